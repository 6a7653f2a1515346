/**
 * One `simulate` for lsn_main (the 240-product catalog, a week of the world's events) over
 * 30 days, through the twin service: read the shop from the database, run the scenario
 * with early stopping plus its no-change and neighbour comparisons in the worker pool,
 * store it. p50 of 15 calls after a warm-up, against the same simulation's compute alone
 * (engine simulate on the pool, no database), measured in the same run. The database is
 * opened as the server opens its own: a scratch database on DATABASE_URL when set, else the
 * embedded one. Target: p50 ≤ 50 ms.
 */
import { defaultThresholds, scenarioSchema, simulate } from '../engine/twin/index.js';
import { buildApp } from '../server/app.js';
import { seedOrgUnit } from '../server/cli/commands/seed.js';
import { createLogger } from '../server/logging.js';
import { storeWorldEvents } from '../test/support/twin-world.js';
import { createWorld, simulateDays } from '../engine/world/simulation.js';
import { printReport } from './support/report.js';
import { openServerDatabase } from './support/server-database.js';
import { median } from './support/stats.js';
import { loadavg } from 'node:os';

const orgUnitId = 'lsn_main';
const step = (what: string) => process.stderr.write(`twin-simulate: ${what}\n`);
const { config, database, close } = await openServerDatabase();
await seedOrgUnit(database.pool, { orgUnitId, name: 'Live Shopping Network', seed: 1, products: 240, creators: 36 }, { now: Date.now(), progress: () => {} });
const world = createWorld({ seed: 'bench' });
await storeWorldEvents(database.pool, orgUnitId, simulateDays(world, { startDate: '2026-01-05', days: 7 }).days);
const built = await buildApp({ config, database, logger: createLogger(config), readiness: { state: 'serving' } });
await built.app.ready();
step('shop seeded with a week of events');

const scenario = { changes: { priceChange: 5 }, duration: 30, description: 'bench: 5% dearer for 30 days' };
const calls = 15;

await built.twin.simulate('bench', orgUnitId, { scenario });
step('warmed up');
const serviceMs: number[] = [];
let samples = 0;
for (let i = 0; i < calls; i += 1) {
  const started = performance.now();
  const result = await built.twin.simulate('bench', orgUnitId, { scenario });
  serviceMs.push(performance.now() - started);
  samples = result.samples ?? 0;
}

const reading = await built.twin.read(orgUnitId);
const parsed = scenarioSchema.parse(scenario);
const computeMs: number[] = [];
for (let i = 0; i < calls; i += 1) {
  const started = performance.now();
  await simulate(built.models, { state: reading.state, params: reading.params, scenario: parsed, seed: 1, thresholds: defaultThresholds });
  computeMs.push(performance.now() - started);
}
const backend = await built.models.backend();
await built.app.close();
await close();

printReport({
  name: 'twin-simulate',
  metric: `p50 of ${calls} twin simulate calls for ${orgUnitId} (240 products, 30 days, early stopping: ${samples} samples)`,
  value: median(serviceMs),
  unit: 'ms',
  backend,
  baseline: 'the same simulation computed alone (engine simulate on the pool, no database read or write)',
  baselineValue: median(computeMs),
  ratio: median(computeMs) / median(serviceMs),
  // Other work on the machine moves these figures: the load is reported with them.
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  target: 'p50 ≤ 50 ms',
});
