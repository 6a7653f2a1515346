/**
 * Audit verification throughput: walk a 200,000-row chain page by page, checking every
 * link, hash and row binding, against reading the same pages with the same query and
 * checking nothing (the scan alone). Target on PostgreSQL: >= 200,000 rows/s. Uses
 * DATABASE_URL when set, else embedded PGlite.
 */
import { appendAuditRowsIfHead, auditRowsInRange, loadAuditHead } from '../db/queries/audit.js';
import { upsertOrgUnit } from '../db/queries/org-units.js';
import { auditTimestamp, chainDrafts, prepareAuditDraft } from '../engine/governance/audit/index.js';
import { verifyAuditChain } from '../server/governance/audit-verify.js';
import { createTestDatabase } from '../test/support/database.js';
import { printReport } from './support/report.js';
import { median } from './support/stats.js';

const rowCount = Number(process.env.BENCH_AUDIT_ROWS ?? 200_000);
const pageSize = 5000;
const rounds = 3;
const orgUnitId = 'bench_verify';

const db = await createTestDatabase({ poolSize: 8 });
await upsertOrgUnit(db.pool, { id: orgUnitId, name: 'verify' });

// Seeded in large compare-and-append batches: the writer's own format, without its per-entry latency.
const seedStarted = performance.now();
const start = Date.UTC(2025, 0, 1);
for (let written = 0; written < rowCount; ) {
  const size = Math.min(5000, rowCount - written);
  const drafts = Array.from({ length: size }, (_, i) => {
    const n = written + i;
    return prepareAuditDraft(
      orgUnitId,
      {
        kind: n % 3 === 0 ? 'action' : 'verdict',
        actor: `agent:worker_${n % 32}`,
        data: { tool: 'pricing.set_price', outcome: 'allow', input: { productId: `prod_${n % 997}`, priceMinor: 1999 + (n % 300) }, note: 'prix révisé ✓' },
      },
      auditTimestamp(start + n),
    );
  });
  const from = await loadAuditHead(db.pool, orgUnitId);
  const { rows, head: to } = chainDrafts(from, drafts);
  if (!(await appendAuditRowsIfHead(db.pool, { orgUnitId, from, to, rows }))) throw new Error('the seed raced another writer');
  written += size;
}
const seedSeconds = (performance.now() - seedStarted) / 1000;

/** The walk's own queries, one range after another, with nothing checked. */
async function scanOnly(): Promise<number> {
  let count = 0;
  for (let after = 0; after < rowCount; after += pageSize) {
    count += (await auditRowsInRange(db.pool, { orgUnitId, afterSeq: after, throughSeq: Math.min(after + pageSize, rowCount) })).length;
  }
  return count;
}

async function timed(run: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const rows = await run();
  if (rows !== rowCount) throw new Error(`expected ${rowCount} rows, walked ${rows}`);
  return rows / ((performance.now() - started) / 1000);
}

const verify = async (deep: boolean) => {
  const result = await verifyAuditChain(db.pool, orgUnitId, { pageSize, deep });
  if (!result.ok) throw new Error(`the chain does not verify: ${result.detail}`);
  return result.count;
};

await timed(() => verify(false)); // warm-up
await timed(scanOnly);
const ours: number[] = [];
const scans: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  scans.push(await timed(scanOnly));
  ours.push(await timed(() => verify(false)));
}
const deepRowsPerSecond = await timed(() => verify(true));

printReport({
  name: 'audit-verify',
  metric: 'rows_per_second',
  value: median(ours),
  unit: 'rows/s',
  baseline: 'the same paged SELECT with no verification',
  baselineValue: median(scans),
  ratio: median(ours) / median(scans),
  target: 'rows/s >= 200000 (PostgreSQL)',
  deepRowsPerSecond: Math.round(deepRowsPerSecond),
  rows: rowCount,
  pageSize,
  rounds,
  seedSeconds: Math.round(seedSeconds * 10) / 10,
  database: db.kind,
});

await db.close();
process.exit(0);
