/**
 * One simulated day of the world, generated and ingested: events per second through the
 * in-process sink (batches of 500, one transaction each), against the same day's events
 * ingested one by one (one transaction per event, as a shop posting singly would cost).
 * Uses DATABASE_URL when set, else PGlite. Target: a day ingested well under the default
 * 10 s per simulated day.
 */
import { upsertPrincipal } from '../db/queries/principals.js';
import { createWorld, initialState, referenceLevers, simulateDay } from '../engine/world/simulation.js';
import { buildApp } from '../server/app.js';
import { seedOrgUnit } from '../server/cli/commands/seed.js';
import { loadConfig } from '../server/config/config.js';
import { createLogger } from '../server/logging.js';
import { inProcessSink } from '../server/world/index.js';
import { createTestDatabase } from '../test/support/database.js';
import { printReport } from './support/report.js';

const orgUnitId = 'lsn_main';
const db = await createTestDatabase();
await seedOrgUnit(db.pool, { orgUnitId, name: 'Live Shopping Network', seed: 1, products: 240, creators: 36 }, { now: Date.now(), progress: () => {} });
const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
const built = await buildApp({ config, database: db, logger: createLogger(config), readiness: { state: 'serving' } });
await built.app.ready();
const row = await upsertPrincipal(db.pool, { orgUnitId, name: 'world', role: 'agent' });
const principal = { id: row.id, name: row.name, kind: row.kind, role: row.role, orgUnitId, via: { kind: 'api_token', tokenId: 'in-process' } } as const;

// Two different days (different keys), so neither run meets the other's events as duplicates.
const world = createWorld({ seed: 'bench' });
const dayOf = (date: string) => {
  const state = initialState(world, date);
  return simulateDay(world, state, referenceLevers(world.catalog, world.seed, date));
};

const generateStart = performance.now();
const batched = dayOf('2026-01-07');
const generateMs = performance.now() - generateStart;
const batchStart = performance.now();
const outcome = await inProcessSink(built.ingestion, principal).post(batched.events);
const batchMs = performance.now() - batchStart;
if (outcome.stored !== batched.events.length) throw new Error(`stored ${outcome.stored} of ${batched.events.length}`);

const single = dayOf('2026-01-08');
const singleStart = performance.now();
for (const e of single.events) await built.ingestion.ingest(principal, { type: e.type, idempotencyKey: e.idempotencyKey, occurredAt: e.occurredAt, payload: e.payload });
const singleMs = performance.now() - singleStart;

await built.app.close();
await db.close();

const perSecond = (events: number, ms: number) => (events / ms) * 1000;
const value = perSecond(batched.events.length, generateMs + batchMs);
const baselineValue = perSecond(single.events.length, singleMs);
printReport({
  name: 'world-day',
  metric: 'world events generated and ingested per second (one simulated day, batches of 500)',
  value,
  unit: 'events/s',
  baseline: 'the same kind of day ingested one event per transaction',
  baselineValue,
  ratio: value / baselineValue,
  target: 'a day ingested well under 10 s',
  database: db.kind,
  eventsPerDay: batched.events.length,
  generateMs: Math.round(generateMs),
  ingestMs: Math.round(batchMs),
  oneByOneMs: Math.round(singleMs),
});
