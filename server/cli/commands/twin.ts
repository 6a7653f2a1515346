import { InvalidArgumentError, type Command } from 'commander';
import type { ScenarioChanges } from '../../../engine/twin/index.js';
import { maxDurationDays, payoutFrequencies, type PayoutFrequency } from '../../../engine/twin/scenario.js';
import type { BuiltApp } from '../../app.js';
import type { CalibrationRunDto, CalibrationStatusDto, SimulationDto } from '../../contracts/twin.js';
import { calibrationLimits, defaultCalibration } from '../../twin/calibration-limits.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { applyMigrations, withApp, withDatabase } from '../database.js';
import { orgUnitId, text, wholeNumber } from '../options.js';
import { defaultOrgUnit } from './seed.js';

/** A percent change: a decimal number above −100 and at most +1000. */
export function percentChange(value: string): number {
  const parsed = /^[+-]?\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed > -100) || parsed > 1000) throw new InvalidArgumentError('must be a percent above -100 and at most 1000, e.g. 15 or -7.5');
  return parsed;
}

export function payoutFrequency(value: string): PayoutFrequency {
  const found = payoutFrequencies.find((f) => f === value);
  if (!found) throw new InvalidArgumentError(`must be one of ${payoutFrequencies.join(', ')}`);
  return found;
}

type Common = { org: string; json?: boolean };
type CalibrateFlags = Common & { days: number; holdout: number };
type SimulateFlags = Common & { priceChange?: number; adSpendChange?: number; payoutFrequency?: PayoutFrequency; duration: number; seed?: number; samples?: number; description?: string };

export function registerTwinCommands(program: Command, context: CliContext): void {
  const twin = program.command('twin').description('the digital twin: calibrate its models from recorded events, simulate what-ifs, show where its parameters come from');
  const org = `org unit (default ${defaultOrgUnit.id})`;
  twin
    .command('calibrate')
    .description('fit the models from the recorded events, store them as new active versions with their backtest error, and keep a revenue forecast to score later')
    .option('--org <id>', org, orgUnitId, defaultOrgUnit.id)
    .option('--days <n>', 'days of history to learn from, ending at the shop’s latest day', wholeNumber(calibrationLimits.minDays, calibrationLimits.maxDays), defaultCalibration.days)
    .option('--holdout <n>', 'most recent days held out to measure the fit (the backtest)', wholeNumber(calibrationLimits.minHoldoutDays, calibrationLimits.maxHoldoutDays), defaultCalibration.holdoutDays)
    .option('--json', 'print the result as one JSON document')
    .action(async (flags: CalibrateFlags) => {
      const run = await withTwin(context, flags.org, (built, actor) => {
        context.progress(`Calibrating ${flags.org} on ${flags.days} day(s), the last ${flags.holdout} held out`);
        return built.calibration.calibrate(actor, flags.org, { days: flags.days, holdoutDays: flags.holdout });
      });
      if (flags.json) context.printJson(run);
      else printCalibration(context, run);
    });
  twin
    .command('simulate')
    .description('run one what-if on the twin and print its distributions, risks and opportunities (stored like an API simulation)')
    .option('--org <id>', org, orgUnitId, defaultOrgUnit.id)
    .option('--price-change <percent>', 'change every price by this percent', percentChange)
    .option('--ad-spend-change <percent>', 'change the daily ad spend by this percent', percentChange)
    .option('--payout-frequency <f>', `pay creators ${payoutFrequencies.join(' | ')}`, payoutFrequency)
    .option('--duration <days>', 'days to simulate', wholeNumber(1, maxDurationDays), 7)
    .option('--seed <n>', 'random seed (same seed, same numbers)', wholeNumber(0, 2 ** 32 - 1))
    .option('--samples <n>', 'a fixed number of Monte Carlo samples instead of stopping early', wholeNumber(16, 20_000))
    .option('--description <text>', 'what the scenario is for', text(500))
    .option('--json', 'print the simulation as one JSON document')
    .action(async (flags: SimulateFlags) => {
      const changes: ScenarioChanges = {
        ...(flags.priceChange !== undefined ? { priceChange: flags.priceChange } : {}),
        ...(flags.adSpendChange !== undefined ? { adSpendChange: flags.adSpendChange } : {}),
        ...(flags.payoutFrequency !== undefined ? { payoutFrequency: flags.payoutFrequency } : {}),
      };
      const scenario = { changes, duration: flags.duration, description: flags.description ?? '' };
      const simulation = await withTwin(context, flags.org, (built, actor) =>
        built.twin.simulate(actor, flags.org, { scenario, ...(flags.seed !== undefined ? { seed: flags.seed } : {}), ...(flags.samples !== undefined ? { samples: flags.samples } : {}) }, { fieldRoot: 'scenario' }),
      );
      if (flags.json) context.printJson(simulation);
      else printSimulation(context, simulation);
    });
  twin
    .command('status')
    .description('where each model’s parameters come from (prior or calibrated version), and how stored forecasts compared with what happened')
    .option('--org <id>', org, orgUnitId, defaultOrgUnit.id)
    .option('--json', 'print the status as one JSON document')
    .action(async (flags: Common) => {
      const status = await withTwin(context, flags.org, async (built) => {
        await built.calibration.resolvePredictions(flags.org);
        return built.calibration.status(flags.org);
      });
      if (flags.json) context.printJson(status);
      else printStatus(context, status);
    });
}

/** The app, built but not listening, with the twin's worker pool; closed (pool included) when the work is done. */
async function withTwin<T>(context: CliContext, orgUnit: string, work: (built: BuiltApp, actor: string) => Promise<T>): Promise<T> {
  const { findOrgUnit } = await import('../../../db/queries/org-units.js');
  const { upsertPrincipal } = await import('../../../db/queries/principals.js');
  return withDatabase(context, async (database) => {
    await applyMigrations(context, database);
    if (!(await findOrgUnit(database.pool, orgUnit))) throw new CliError(`Org unit ${orgUnit} was not found: create it with \`bos seed\` or \`bos world run\``);
    return withApp(context, database, async (built) => {
      const principal = await upsertPrincipal(database.pool, { orgUnitId: orgUnit, name: 'cli', role: 'operator' });
      return work(built, principal.name);
    });
  });
}

const money = (minor: number) => `${minor < 0 ? '-' : ''}$${(Math.abs(Math.round(minor)) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const percent = (fraction: number | null) => (fraction === null ? '-' : `${(fraction * 100).toFixed(1)}%`);

function printCalibration(context: CliContext, run: CalibrationRunDto): void {
  context.print(`Calibrated ${run.orgUnitId} on ${run.events} events: trained ${run.trainingFrom.slice(0, 10)} to ${run.trainingTo.slice(0, 10)}, held out to ${run.holdoutTo.slice(0, 10)}`);
  for (const m of run.models) context.print(`  ${m.model.padEnd(9)} v${m.version}  ${JSON.stringify(m.backtestError)}`);
  const r = run.prediction.revenue;
  context.print(`Forecast kept for ${run.prediction.windowStart.slice(0, 10)} to ${run.prediction.windowEnd.slice(0, 10)}: revenue ${money(r.mean)} (p5 ${money(r.p5)}, p95 ${money(r.p95)})`);
  if (run.resolvedPredictions > 0) context.print(`Scored ${run.resolvedPredictions} earlier forecast(s) against what happened`);
}

function printSimulation(context: CliContext, s: SimulationDto): void {
  const m = s.metrics;
  context.print(`Simulation ${s.id} (${s.scenario.duration} days, seed ${s.seed}, ${s.samples ?? 0} samples on ${s.backend ?? '-'}${s.calibrated ? '' : ', priors only'})`);
  context.print(`  revenue   mean ${money(m.revenue.mean)}  p5 ${money(m.revenue.p5)}  p95 ${money(m.revenue.p95)}`);
  context.print(`  margin    mean ${percent(m.margin.mean)}  p5 ${percent(m.margin.p5)}`);
  context.print(`  impact    revenue ${money(s.impact.revenue.mean)} against no change`);
  context.print(`  risks     P(margin < floor) ${percent(s.risks.pMarginBelowFloor)}  P(stockout) ${percent(s.risks.pStockout)}  P(runway short) ${percent(s.risks.pRunwayBelowMinimum)}`);
  for (const o of s.opportunities) context.print(`  better?   ${JSON.stringify(o)}`);
  for (const note of s.notes) context.print(`  note      ${note}`);
}

function printStatus(context: CliContext, status: CalibrationStatusDto): void {
  context.print(`Twin of ${status.orgUnitId}: ${status.calibrated ? 'calibrated' : 'priors only (run `bos twin calibrate`)'}`);
  for (const m of status.models) {
    const when = m.trainingFrom && m.trainingTo ? ` trained ${m.trainingFrom.slice(0, 10)} to ${m.trainingTo.slice(0, 10)}` : '';
    context.print(`  ${m.model.padEnd(9)} v${m.version} ${m.source}${when}`);
  }
  const p = status.predictions;
  context.print(`Forecasts: ${p.open} open, ${p.resolved} scored; revenue MAPE ${percent(p.revenueMape)}, inside p5–p95 ${percent(p.revenueCoverage)}`);
}
