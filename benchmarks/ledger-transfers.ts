/**
 * Ledger throughput: 16 concurrent clients posting two-leg transfers through
 * `transferMany` (one transaction and one commit per batch, durability unchanged), against
 * the same clients calling `transfer` (one transaction per transfer) in the same run.
 * Target on PostgreSQL: >= 20,000 transfers/s. Uses DATABASE_URL when set, else PGlite.
 */
import pino from 'pino';
import { upsertOrgUnit } from '../db/queries/org-units.js';
import { createDatabasePool, endPool } from '../db/pool.js';
import { createLedgerService, type LedgerService, type TransferInput } from '../server/ledger/ledger-service.js';
import { createTestDatabase } from '../test/support/database.js';
import { printReport } from './support/report.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const clients = Number(process.env.BENCH_CLIENTS ?? 16);
const batchSize = Number(process.env.BENCH_BATCH ?? 250);
const accountsPerSide = 1000;

const db = await createTestDatabase({ poolSize: clients });
const pool = await productionLikePool();
const batched = 'bench_batched';
const single = 'bench_single';
await upsertOrgUnit(pool, { id: batched, name: 'batched' });
await upsertOrgUnit(pool, { id: single, name: 'single' });
const ledger = createLedgerService({ pool, clock: { now: () => Date.now() }, logger: pino({ level: 'warn' }) });

/** Like the audit benchmark: the schema goes in the startup options, not a SET per checkout. */
async function productionLikePool() {
  if (db.kind !== 'postgres') return db.pool;
  const url = new URL(db.url);
  url.searchParams.set('options', `-c search_path=${db.schema},public`);
  return createDatabasePool(url.toString(), { maximumPoolSize: clients });
}

let counter = 0;
/** A sale: a shopper's payment lands in the processor clearing account, revenue per creator. */
function sale(orgUnitId: string, client: number): TransferInput {
  counter += 1;
  const amountMinor = 100 + (counter % 9900);
  return {
    orgUnitId,
    transferKey: `c${client}-${counter}`,
    legs: [
      { account: `processor:clearing:${counter % accountsPerSide}`, currency: 'USD', amountMinor },
      { account: `creator:${(counter * 7) % accountsPerSide}:revenue`, currency: 'USD', amountMinor: -amountMinor },
    ],
  };
}

async function run(perCall: (client: number) => Promise<number>, durationMs: number): Promise<number> {
  const started = performance.now();
  const deadline = started + durationMs;
  const done = await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let n = 0;
      while (performance.now() < deadline) n += await perCall(client);
      return n;
    }),
  );
  return done.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
}

async function batch(service: LedgerService, client: number): Promise<number> {
  const outcomes = await service.transferMany(Array.from({ length: batchSize }, () => sale(batched, client)));
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw failed.error;
  return outcomes.length;
}

// Warm up: create the accounts (and the account cache) outside the timed runs.
for (let i = 0; i < 8; i += 1) {
  await batch(ledger, 0);
  await ledger.transferMany(Array.from({ length: batchSize }, () => sale(single, 0)));
}

const baseline = await run(async (client) => {
  await ledger.transfer(sale(single, client));
  return 1;
}, seconds * 1000);
const value = await run((client) => batch(ledger, client), seconds * 1000);
const trial = await ledger.trialBalance(batched);

printReport({
  name: 'ledger-transfers',
  metric: 'two-leg transfers per second, 16 clients',
  value,
  unit: 'transfers/s',
  baseline: 'one transaction per transfer',
  baselineValue: baseline,
  ratio: value / baseline,
  target: '>= 20000 transfers/s on PostgreSQL',
  database: db.kind,
  batchSize,
  seconds,
  trialBalanceNet: trial.reduce((sum, row) => sum + row.netMinor, 0),
});

if (pool !== db.pool) await endPool(pool);
await db.close();
