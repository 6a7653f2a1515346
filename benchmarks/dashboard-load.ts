/**
 * The control room's dashboard load over HTTP on loopback, as the console page makes it:
 * getDashboard, then getStateHistory (90 days), after 30 simulated days of lsn_main at A2
 * (events, orders, daily snapshots, decisions, incidents and every workflow run). Baseline
 * in the same run: two reads of the org unit through the same stack (token, org scoping,
 * validation, rate limit), in alternating rounds. Target: p50 <= 50 ms.
 *
 * Database: in-memory PGlite, or DATABASE_URL. Env: BENCH_DASHBOARD_PRODUCTS (2),
 * BENCH_DASHBOARD_CREATORS (2), BENCH_DASHBOARD_LOADS (200).
 */
import { performance } from 'node:perf_hooks';
import { printReport } from './support/report.js';
import { startSimulatedShop } from './support/simulated-shop.js';
import { alternatingLatencies, percentile } from './support/stats.js';

const loads = Number(process.env.BENCH_DASHBOARD_LOADS ?? 200);
const rounds = 4;
const catalog = { products: Number(process.env.BENCH_DASHBOARD_PRODUCTS ?? 2), creators: Number(process.env.BENCH_DASHBOARD_CREATORS ?? 2) };

const shop = await startSimulatedShop(catalog);
const setupStart = performance.now();
const month = await shop.runDays(30);
process.stderr.write(`dashboard-load: 30 days simulated in ${Math.round((performance.now() - setupStart) / 1000)} s (${month.orders} orders, ${month.runs} runs)\n`);
// Reads only from here: the runs have settled, and the runtime's polling would only add noise.
await shop.built.runtime.stop();

const base = await shop.built.app.listen({ host: '127.0.0.1', port: 0 });
const headers = { authorization: `Bearer ${shop.tokens.viewer}` };
const org = `${base}/api/org-units/${shop.orgUnitId}`;

async function get(url: string): Promise<unknown> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
const dashboardLoad = async () => {
  await get(`${org}/dashboard`);
  await get(`${org}/state-history?limit=90`);
};
const baselineLoad = async () => {
  await get(org);
  await get(org);
};

// What the dashboard shows must be there, or the figure measures an empty page.
const dashboard = (await get(`${org}/dashboard`)) as { latest: unknown; recentDecisions: unknown[] };
const history = (await get(`${org}/state-history?limit=90`)) as { points: unknown[] };
if (dashboard.latest === null || dashboard.recentDecisions.length === 0 || history.points.length < 30) {
  throw new Error(`the month left too little to show: ${JSON.stringify({ latest: dashboard.latest, decisions: dashboard.recentDecisions.length, points: history.points.length })}`);
}

const { ours, baseline } = await alternatingLatencies({ calls: loads, rounds }, dashboardLoad, baselineLoad);

const p50 = percentile(ours, 0.5);
const baselineP50 = percentile(baseline, 0.5);
printReport({
  name: 'dashboard-load',
  metric: 'p50_latency_ms',
  value: p50,
  unit: 'ms',
  baseline: 'two org-unit reads through the same API stack',
  baselineValue: baselineP50,
  ratio: p50 / baselineP50,
  target: 'p50 <= 50 ms',
  p99LatencyMs: percentile(ours, 0.99),
  loads,
  simulatedDays: 30,
  orders: month.orders,
  runs: month.runs,
  historyPoints: history.points.length,
  products: catalog.products,
  creators: catalog.creators,
  database: shop.db.kind,
});

await shop.close();
process.exit(0);
