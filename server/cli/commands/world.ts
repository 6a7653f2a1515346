import { InvalidArgumentError, type Command } from 'commander';
import type { createWorldRunner, World, WorldDayReport, WorldRunSummary } from '../../world/index.js';
import { defaultCatalogSeed, defaultPayoutEveryDays } from '../../world/world-defaults.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { applyMigrations, withApp, withDatabase } from '../database.js';
import { orgUnitId, text, wholeNumber } from '../options.js';
import { defaultOrgUnit, defaultSeedOptions, printSeedResult, seedOrgUnit, type SeedResult } from './seed.js';

/** Simulated days per real second, or as fast as the database takes them. */
export type WorldSpeed = number | 'max';

export function worldSpeed(value: string): WorldSpeed {
  if (value === 'max') return 'max';
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed > 0) || parsed > 1000) throw new InvalidArgumentError('must be simulated days per second (above 0, at most 1000) or "max"');
  return parsed;
}

export function worldSeed(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(value)) throw new InvalidArgumentError('must be 1 to 40 letters, digits, _ or -');
  return value;
}

export function worldDate(value: string): string {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || !parsed.toISOString().startsWith(value)) throw new InvalidArgumentError('must be a date like 2026-01-05');
  return value;
}

export function serverUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a URL like http://127.0.0.1:3000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http:// or https:// URL');
  return url.toString().replace(/\/+$/, '');
}

type WorldRunFlags = {
  days: number;
  speed: WorldSpeed;
  seed: string;
  org?: string;
  start?: string;
  catalogSeed: number;
  payoutEvery: number;
  url?: string;
  token?: string;
  json?: boolean;
};

const defaultSpeed = 0.1;
const dayMs = 86_400_000;

export function registerWorldCommands(program: Command, context: CliContext): void {
  const world = program.command('world').description('the simulated live-shopping shop that feeds events in accelerated time');
  world
    .command('run')
    .description('run the simulated shop for N days, posting its events through the ingestion API')
    .requiredOption('--days <n>', 'simulated days to run', wholeNumber(1, 3650))
    .option('--speed <days-per-second>', `simulated days per real second, or "max" (default ${defaultSpeed}: one day per 10 s)`, worldSpeed, defaultSpeed)
    .option('--seed <s>', 'world seed: the hidden truth and everything that happens; same seed and levers, same events', worldSeed, '1')
    .option('--org <id>', `org unit to feed (default ${defaultOrgUnit.id}; with --url, the token's)`, orgUnitId)
    .option('--start <date>', 'first simulated day, YYYY-MM-DD (default: N days before today, so the run ends today)', worldDate)
    .option('--catalog-seed <n>', 'seed of the catalog the shop sells (as `bos seed --seed`)', wholeNumber(0, 2 ** 32 - 1), defaultCatalogSeed)
    .option('--payout-every <days>', 'creator payout period in days (7: weekly)', wholeNumber(1, 90), defaultPayoutEveryDays)
    .option('--url <url>', 'post to this running server over HTTP instead of the configured database', serverUrl)
    .option('--token <token>', 'API token (founder, operator or agent) for --url', text(200))
    .option('--json', 'print the summary as one JSON document')
    .addHelpText(
      'after',
      '\nWithout --url the world opens the configured database (DATABASE_URL or the embedded one), seeds the org unit\n' +
        'if it is missing, and ingests in process. With --url and --token it drives a running server over HTTP.\n' +
        'Re-running the same days with the same seed and levers stores nothing new (stable idempotency keys).',
    )
    .action(async (flags: WorldRunFlags, command: Command) => {
      if ((flags.url === undefined) !== (flags.token === undefined)) {
        command.error(flags.url === undefined ? "error: option '--token <token>' needs --url" : "error: option '--url <url>' needs --token", { exitCode: 2 });
      }
      const startDate = flags.start ?? new Date(context.now() - flags.days * dayMs).toISOString().slice(0, 10);
      const { generateCatalog } = await import('../../../engine/world/index.js');
      const { createWorld } = await import('../../world/index.js');
      const world = createWorld({ seed: flags.seed, catalog: generateCatalog({ seed: flags.catalogSeed }) });
      const { summary, orgUnit, seeded } = flags.url !== undefined && flags.token !== undefined
        ? await runOverHttp(context, world, { ...flags, url: flags.url, token: flags.token, startDate })
        : await runInProcess(context, world, { ...flags, startDate });
      if (flags.json) {
        context.printJson({ orgUnitId: orgUnit, seed: flags.seed, startDate, ...summary, ...(seeded ? { seeded: seeded } : {}) });
        return;
      }
      if (seeded) printSeedResult(context, seeded);
      printSummary(context, orgUnit, summary);
    });
}

type RunArgs = WorldRunFlags & { startDate: string };
type RunResult = { summary: WorldRunSummary; orgUnit: string; seeded?: SeedResult };

async function runInProcess(context: CliContext, world: World, args: RunArgs): Promise<RunResult> {
  const { findOrgUnit } = await import('../../../db/queries/org-units.js');
  const { inProcessShop } = await import('../../world/live-world.js');
  const orgUnit = args.org ?? defaultOrgUnit.id;
  return withDatabase(context, async (database) => {
    await applyMigrations(context, database);
    let seeded: SeedResult | undefined;
    if (!(await findOrgUnit(database.pool, orgUnit))) {
      const name = orgUnit === defaultOrgUnit.id ? defaultOrgUnit.name : orgUnit;
      seeded = await seedOrgUnit(database.pool, { ...defaultSeedOptions, orgUnitId: orgUnit, name, seed: args.catalogSeed }, { now: context.now(), progress: context.progress });
    }
    // The whole app, not listening: events go through the same ingestion service (and live stream) as a request.
    const summary = await withApp(context, database, async (built) =>
      drive(context, world, args, await inProcessShop({ pool: database.pool, ingestion: built.ingestion, orgUnitId: orgUnit, world, payoutEveryDays: args.payoutEvery })),
    );
    return { summary, orgUnit, ...(seeded ? { seeded } : {}) };
  });
}

async function runOverHttp(context: CliContext, world: World, args: RunArgs & { url: string; token: string }): Promise<RunResult> {
  const { apiLevers, createShopClient, httpSink } = await import('../../world/index.js');
  const client = createShopClient({ url: args.url, token: args.token });
  const orgUnit = await client.orgUnitId();
  if (args.org !== undefined && args.org !== orgUnit) throw new CliError(`the token belongs to org unit ${orgUnit}, not ${args.org}`);
  context.progress(`Posting to ${args.url} as org unit ${orgUnit}`);
  const summary = await drive(context, world, args, {
    levers: apiLevers(client, { orgUnitId: orgUnit, world, payoutEveryDays: args.payoutEvery }),
    sink: httpSink(client),
  });
  return { summary, orgUnit };
}

async function drive(
  context: CliContext,
  world: World,
  args: RunArgs,
  parts: Pick<Parameters<typeof createWorldRunner>[0], 'levers' | 'sink'>,
): Promise<WorldRunSummary> {
  const { createWorldRunner, summariseRun } = await import('../../world/index.js');
  const runner = createWorldRunner({ world, ...parts, startDate: args.startDate, days: args.days, msPerDay: args.speed === 'max' ? 0 : 1000 / args.speed });
  const reports: WorldDayReport[] = [];
  const speed = args.speed === 'max' ? 'as fast as possible' : `${args.speed} simulated day(s) per second`;
  context.progress(`World ${world.seed}: ${args.days} day(s) from ${args.startDate}, ${speed}`);
  runner.onDay((report) => {
    reports.push(report);
    showProgress(context, reports.length, args.days, report);
  });
  const interrupt = () => {
    context.progress('\nStopping after the day in progress');
    void runner.stop();
  };
  process.once('SIGINT', interrupt);
  runner.start();
  try {
    await runner.finished();
  } finally {
    process.removeListener('SIGINT', interrupt);
    if (context.progressIsTerminal) context.writeErr('\n');
  }
  return summariseRun(reports);
}

function showProgress(context: CliContext, done: number, total: number, report: WorldDayReport): void {
  const s = report.summary;
  const detail = `${s.date}  ${s.orders} orders  ${money(s.revenueMinor)}  ${s.events} events (${report.stored} new) in ${Math.round(report.postMs)} ms`;
  if (!context.progressIsTerminal) {
    context.progress(`day ${done}/${total}  ${detail}`);
    return;
  }
  const width = 24;
  const filled = Math.round((done / total) * width);
  context.writeErr(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  ${detail}\x1b[K`);
}

function printSummary(context: CliContext, orgUnit: string, s: WorldRunSummary): void {
  context.print(`World run for ${orgUnit}: ${s.days} day(s), ${s.firstDate ?? '-'} to ${s.lastDate ?? '-'}`);
  context.print(`  events     ${s.events} (${s.stored} stored, ${s.duplicates} already there)`);
  context.print(`  orders     ${s.orders}, revenue ${money(s.revenueMinor)}`);
  context.print(`  fraud      ${s.fraudOrders} orders (${(s.fraudShare * 100).toFixed(2)}%), ${s.chargebacks} chargebacks ${money(s.chargebacksMinor)}`);
  context.print(`  refunds    ${money(s.refundsMinor)}; creator payouts due ${money(s.payoutsMinor)}; ad spend ${money(s.adSpendMinor)}`);
  context.print(`  cash       ${s.cashMinor === null ? '-' : money(s.cashMinor)} at the end`);
  context.print(`  posting    ${s.postMsMean} ms a day on average, ${s.postMsMax} ms at most`);
}

function money(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}$${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}
