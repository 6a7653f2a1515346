/**
 * Audit append under contention: 32 concurrent callers on one org unit's chain through the
 * group-committing writer, against the same callers each writing their entry in its own
 * transaction with the head row locked (what a naive writer does). Targets on PostgreSQL:
 * >= 20,000 entries/s and p99 <= 10 ms. Uses DATABASE_URL when set, else embedded PGlite.
 */
import { appendAuditRows, lockAuditHead } from '../db/queries/audit.js';
import { upsertOrgUnit } from '../db/queries/org-units.js';
import { createDatabasePool, endPool } from '../db/pool.js';
import { auditTimestamp, chainDrafts, prepareAuditDraft, type AuditInput } from '../engine/governance/audit/index.js';
import { verifyAuditChain } from '../server/governance/audit-verify.js';
import { createAuditWriter } from '../server/governance/audit-writer.js';
import { createTestDatabase } from '../test/support/database.js';
import { printReport } from './support/report.js';
import { median } from './support/stats.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = 3;
const callers = 32;

const db = await createTestDatabase({ poolSize: 16 });
const pool = await productionLikePool();
const ours = 'bench_grouped';
const naive = 'bench_naive';
await upsertOrgUnit(pool, { id: ours, name: 'grouped' });
await upsertOrgUnit(pool, { id: naive, name: 'naive' });

/**
 * The test pool selects its schema with a SET on every checkout, a round trip per
 * transaction that production pools do not pay; the schema goes in the connection's
 * startup options instead. PGlite keeps the test pool (one connection, one session).
 */
async function productionLikePool() {
  if (db.kind !== 'postgres') return db.pool;
  const url = new URL(db.url);
  url.searchParams.set('options', `-c search_path=${db.schema},public`);
  return createDatabasePool(url.toString(), { maximumPoolSize: 16 });
}

let counter = 0;
function entry(caller: number): AuditInput {
  counter += 1;
  return {
    kind: 'verdict',
    actor: `agent:worker_${caller}`,
    data: {
      tool: 'pricing.set_price',
      outcome: counter % 5 === 0 ? 'require_approval' : 'allow',
      input: { productId: `prod_${counter % 997}`, priceMinor: 1999 + (counter % 300), currency: 'USD' },
      matched: [{ policy: 'margin_floor', version: 3, rule: 1, effect: 'allow', message: 'margin stays above the 15% floor' }],
      projected: { marginPercent: 0.21 + (counter % 7) / 100 },
    },
  };
}

type Load = { entriesPerSecond: number; p50: number; p99: number };

/** `callers` loops, each appending and awaiting one entry at a time until the time is up. */
async function load(append: (caller: number) => Promise<unknown>, durationMs: number): Promise<Load> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await append(caller);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { entriesPerSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

const writer = createAuditWriter(pool);
const grouped = (caller: number) => writer.append(ours, entry(caller));
const oneByOne = (caller: number) =>
  pool.transaction(async (tx) => {
    const from = await lockAuditHead(tx, naive);
    const { rows, head: to } = chainDrafts(from, [prepareAuditDraft(naive, entry(caller), auditTimestamp(Date.now()))]);
    await appendAuditRows(tx, { orgUnitId: naive, from, to, rows });
  });

await load(grouped, 1000); // warm-up: JIT, connections, caches
await load(oneByOne, 1000);

// Alternating rounds, medians of each: the machine's noise hits both sides alike.
const baselineRounds: Load[] = [];
const measuredRounds: Load[] = [];
const statsBefore = writer.stats();
for (let round = 0; round < rounds; round += 1) {
  baselineRounds.push(await load(oneByOne, seconds * 1000));
  measuredRounds.push(await load(grouped, seconds * 1000));
}
const statsAfter = writer.stats();
await writer.close();
const measured = { entriesPerSecond: median(measuredRounds.map((l) => l.entriesPerSecond)), p50: median(measuredRounds.map((l) => l.p50)), p99: median(measuredRounds.map((l) => l.p99)) };
const baseline = { entriesPerSecond: median(baselineRounds.map((l) => l.entriesPerSecond)), p99: median(baselineRounds.map((l) => l.p99)) };

const batches = statsAfter.batches - statsBefore.batches;
const [oursChain, naiveChain] = await Promise.all([verifyAuditChain(pool, ours), verifyAuditChain(pool, naive)]);
if (!oursChain.ok || !naiveChain.ok) throw new Error('a benchmark chain does not verify');

printReport({
  name: 'audit-append',
  metric: 'entries_per_second',
  value: measured.entriesPerSecond,
  unit: 'entries/s',
  baseline: 'one transaction per entry with the head locked',
  baselineValue: baseline.entriesPerSecond,
  ratio: measured.entriesPerSecond / baseline.entriesPerSecond,
  target: 'entries/s >= 20000 and p99 <= 10 ms (PostgreSQL)',
  p99Ms: Math.round(measured.p99 * 1000) / 1000,
  p50Ms: Math.round(measured.p50 * 1000) / 1000,
  baselineP99Ms: Math.round(baseline.p99 * 1000) / 1000,
  averageBatch: Math.round(((statsAfter.entries - statsBefore.entries) / Math.max(1, batches)) * 10) / 10,
  roundsEntriesPerSecond: measuredRounds.map((l) => Math.round(l.entriesPerSecond)),
  callers,
  seconds,
  rounds,
  chainLength: oursChain.count,
  database: db.kind,
});

if (pool !== db.pool) await endPool(pool);
await db.close();
process.exit(0);
