/**
 * makeDecision through the API (token, validation, bandit choice, the twin's forecast of the
 * option, the governor's verdict, persistence, the stream) on the simulated shop's catalog.
 * Baseline in the same run: listDecisions through the same API stack (one read), in
 * alternating rounds. Target: p50 <= 60 ms; throughput reported (one caller, then 8).
 */
import { performance } from 'node:perf_hooks';
import { buildApp } from '../server/app.js';
import { createApiToken } from '../server/auth/token-service.js';
import { seedOrgUnit } from '../server/cli/commands/seed.js';
import { loadConfig } from '../server/config/config.js';
import { createLogger } from '../server/logging.js';
import { createTestDatabase } from '../test/support/database.js';
import { printReport } from './support/report.js';
import { alternatingLatencies, percentile, sequentialLatencies } from './support/stats.js';

const calls = Number(process.env.BENCH_DECISIONS ?? 200);
const rounds = 4;
const org = 'lsn_main';

const db = await createTestDatabase();
await seedOrgUnit(db.pool, { orgUnitId: org, name: 'Live Shopping Network', seed: 1, products: 240, creators: 36 }, { now: Date.now(), progress: () => undefined });
const { token } = await createApiToken(db.pool, { orgUnitId: org, name: 'bench-operator', role: 'operator', now: Date.now() });
const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000000' });
const built = await buildApp({ config, database: db, logger: createLogger(config), readiness: { state: 'serving' } });
await built.app.ready();
await built.governance.policies.installBuiltins(org);
const headers = { authorization: `Bearer ${token}` };

const contexts = Array.from({ length: 16 }, (_, i) => ({ revenue: 40_000 + 1_000 * i, orders: 800 + 20 * i, marginPercent: 0.2 + 0.01 * i }));
async function decide(i: number): Promise<void> {
  const response = await built.app.inject({ method: 'POST', url: `/api/org-units/${org}/decisions`, headers, payload: { decisionType: 'pricing', context: contexts[i % contexts.length] } });
  if (response.statusCode !== 200) throw new Error(`makeDecision answered ${response.statusCode}: ${response.body}`);
}
async function read(): Promise<void> {
  const response = await built.app.inject({ url: `/api/org-units/${org}/decisions?limit=1`, headers });
  if (response.statusCode !== 200) throw new Error(`listDecisions answered ${response.statusCode}: ${response.body}`);
}

const { ours, baseline } = await alternatingLatencies({ calls, rounds }, decide, read);
// Throughput with 8 callers at once: the forecast runs in the worker pool, the rest overlaps.
const concurrent = 8;
const started = performance.now();
await Promise.all(Array.from({ length: concurrent }, (_, worker) => sequentialLatencies(calls / concurrent, (i) => decide(worker * 1000 + i))));
const perSecond = calls / ((performance.now() - started) / 1000);

const p50 = percentile(ours, 0.5);
const baselineP50 = percentile(baseline, 0.5);
printReport({
  name: 'make-decision',
  metric: 'p50_latency_ms',
  value: p50,
  unit: 'ms',
  baseline: 'listDecisions through the same API stack',
  baselineValue: baselineP50,
  ratio: p50 / baselineP50,
  target: 'p50 <= 60 ms',
  p99LatencyMs: percentile(ours, 0.99),
  sequentialPerSecond: 1000 / (ours.reduce((sum, ms) => sum + ms, 0) / ours.length),
  concurrentPerSecond: perSecond,
  concurrentCallers: concurrent,
  calls,
  database: db.kind,
});

await built.app.close();
await db.close();
process.exit(0);
