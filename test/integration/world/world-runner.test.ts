import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { upsertPrincipal } from '../../../db/queries/principals.js';
import { generateCatalog } from '../../../engine/world/index.js';
import { createWorld, initialState, referenceLevers, simulateDay } from '../../../engine/world/simulation.js';
import type { Principal } from '../../../server/auth/principal.js';
import { buildApp, type BuiltApp } from '../../../server/app.js';
import { seedOrgUnit } from '../../../server/cli/commands/seed.js';
import { loadConfig } from '../../../server/config/config.js';
import { createLogger } from '../../../server/logging.js';
import {
  apiLevers,
  createShopClient,
  createWorldRunner,
  databaseLevers,
  httpSink,
  inProcessSink,
  type WorldRunnerTimers,
} from '../../../server/world/index.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/** The runner against a real database: lsn_main seeded as `bos seed` does, the app built around it. */
const orgUnitId = 'lsn_main';
const startDate = '2026-03-02';
const world = createWorld({ seed: 21, catalog: generateCatalog({ seed: 1 }) });
let db: TestDatabase;
let built: BuiltApp;
let principal: Principal;
let agentToken: string;

const eventCount = async () => db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM events WHERE org_unit_id = ${orgUnitId}`);
const runner = (overrides: Partial<Parameters<typeof createWorldRunner>[0]> = {}) =>
  createWorldRunner({
    world,
    levers: databaseLevers(db.pool, { orgUnitId, world, payoutEveryDays: 7 }),
    sink: inProcessSink(built.ingestion, principal),
    startDate,
    msPerDay: 0,
    ...overrides,
  });

beforeAll(async () => {
  db = await createTestDatabase();
  const seeded = await seedOrgUnit(db.pool, { orgUnitId, name: 'Live Shopping Network', seed: 1, products: 240, creators: 36 }, { now: Date.now(), progress: () => {} });
  agentToken = seeded.tokens.find((t) => t.principal.role === 'agent')!.token;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  built = await buildApp({ config, database: db, logger: createLogger(config), readiness: { state: 'serving' } });
  await built.app.ready();
  const row = await upsertPrincipal(db.pool, { orgUnitId, name: 'world', role: 'agent' });
  principal = { id: row.id, name: row.name, kind: row.kind, role: row.role, orgUnitId, via: { kind: 'api_token', tokenId: 'in-process' } };
});
afterAll(async () => {
  await built.app.close();
  await db.close();
});

describe('the world runner', () => {
  it('posts each day into the database once; running the days again stores nothing new', async () => {
    const before = await eventCount();
    const reports = await runner().runDays(2);
    const produced = reports.reduce((s, r) => s + r.summary.events, 0);
    expect(reports.map((r) => r.summary.date)).toEqual(['2026-03-02', '2026-03-03']);
    expect(reports.reduce((s, r) => s + r.stored, 0)).toBe(produced);
    expect((await eventCount()) - before).toBe(produced);

    const again = await runner().runDays(2);
    expect(again.reduce((s, r) => s + r.stored, 0)).toBe(0);
    expect(again.reduce((s, r) => s + r.duplicates, 0)).toBe(produced);
    expect((await eventCount()) - before).toBe(produced);
    const stored = await db.pool.one(sql.type(z.object({ source: z.string(), payload: z.record(z.unknown()) }))`
      SELECT source, payload FROM events WHERE org_unit_id = ${orgUnitId} AND idempotency_key = 'world:21:2026-03-02:1'`);
    expect(stored.source).toBe('agent:world');
  });

  it('reads prices from the database: a price raised there sells less the next day, at the new price', async () => {
    const state = initialState(world, '2026-04-06');
    const fashion = world.catalog.products.filter((p) => p.category === 'fashion');
    const baseline = simulateDay(world, state, referenceLevers(world.catalog, world.seed, state.date));
    await db.pool.query(sql.unsafe`UPDATE products SET price_minor = price_minor * 3 / 2 WHERE org_unit_id = ${orgUnitId} AND category = 'fashion'`);
    try {
      const [report] = await runner({ state }).runDays(1);
      expect(report!.summary.date).toBe('2026-04-06');
      const index = new Set(fashion.map((p) => world.catalog.products.indexOf(p)));
      const unitsOf = (sold: readonly number[]) => sold.filter((_, i) => index.has(i)).reduce((s, n) => s + n, 0);
      const levers = await databaseLevers(db.pool, { orgUnitId, world, payoutEveryDays: 7 }).read(state.date);
      const raised = simulateDay(world, state, levers);
      expect(unitsOf(raised.truth.unitsDemanded)).toBeLessThan(unitsOf(baseline.truth.unitsDemanded) * 0.75);
      expect(report!.summary.events).toBe(raised.events.length);
      const posted = await db.pool.any(sql.type(z.object({ sku: z.string(), price: z.number() }))`
        SELECT payload->>'sku' AS sku, (payload->>'unitPriceMinor')::int AS price FROM events
         WHERE org_unit_id = ${orgUnitId} AND type = 'order.placed' AND idempotency_key LIKE 'world:21:2026-04-06:%'
           AND payload->>'sku' = ANY(${sql.array(fashion.map((p) => p.sku), 'text')})`);
      expect(posted.length).toBeGreaterThan(0);
      const catalogPrice = new Map(fashion.map((p) => [p.sku, p.priceMinor]));
      for (const order of posted) expect(order.price).toBe(Math.floor((catalogPrice.get(order.sku)! * 3) / 2));
    } finally {
      await db.pool.query(sql.unsafe`UPDATE products SET price_minor = (price_minor * 2 + 2) / 3 WHERE org_unit_id = ${orgUnitId} AND category = 'fashion'`);
    }
  });

  it('reads the ad budgets and the streams the shop scheduled', async () => {
    await db.pool.query(sql.unsafe`INSERT INTO ad_budgets (org_unit_id, channel, daily_budget_minor, currency, updated_by)
      VALUES (${orgUnitId}, 'meta', 150000, 'USD', 'test'), (${orgUnitId}, 'tiktok', 50000, 'USD', 'test')`);
    const creator = world.catalog.creators[0]!;
    await db.pool.query(sql.unsafe`
      INSERT INTO streams (org_unit_id, creator_id, title, scheduled_start, scheduled_end, product_ids)
      SELECT ${orgUnitId}, c.id, 'Kitchen night', '2026-05-04T18:00:00Z', '2026-05-04T19:30:00Z',
             ARRAY(SELECT id FROM products WHERE org_unit_id = ${orgUnitId} AND category = 'kitchen' ORDER BY sku LIMIT 3)
        FROM creators c WHERE c.org_unit_id = ${orgUnitId} AND c.handle = ${creator.handle}`);
    const levers = await databaseLevers(db.pool, { orgUnitId, world, payoutEveryDays: 7 }).read('2026-05-04');
    expect(levers.adSpendMinor).toBe(200_000);
    const shop = levers.streams.filter((s) => s.title === 'Kitchen night');
    expect(shop).toEqual([expect.objectContaining({ creatorHandle: creator.handle, category: 'kitchen', startMinute: 18 * 60, durationMinutes: 90 })]);
    const day = simulateDay(world, initialState(world, '2026-05-04'), levers);
    expect(day.events.some((e) => e.type === 'stream.started' && e.payload.title === 'Kitchen night')).toBe(true);
  });

  it('runs days on its timer until it has run them all, and stops cleanly', async () => {
    const pending: (() => void)[] = [];
    const timers: WorldRunnerTimers = { setTimeout: (callback) => pending.push(callback), clearTimeout: () => {} };
    const timed = runner({ startDate: '2026-06-01', days: 2, msPerDay: 10_000, timers });
    const dates: string[] = [];
    timed.onDay((r) => dates.push(r.summary.date));
    timed.start();
    await new Promise<void>((resolve) => {
      const check = () => (pending.length > 0 || dates.length > 0 ? resolve() : setImmediate(check));
      check();
    });
    while (dates.length < 2) {
      const next = pending.shift();
      if (next) next();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await timed.finished();
    expect(dates).toEqual(['2026-06-01', '2026-06-02']);
    await timed.stop();
  });

  it('drives a listening server over HTTP with an agent token', async () => {
    const address = await built.app.listen({ host: '127.0.0.1', port: 0 });
    const client = createShopClient({ url: address, token: agentToken });
    expect(await client.orgUnitId()).toBe(orgUnitId);
    const before = await eventCount();
    const overHttp = createWorldRunner({
      world,
      levers: apiLevers(client, { orgUnitId, world, payoutEveryDays: 7 }),
      sink: httpSink(client),
      startDate: '2026-07-06',
      msPerDay: 0,
    });
    const [report] = await overHttp.runDays(1);
    expect(report!.stored).toBe(report!.summary.events);
    expect((await eventCount()) - before).toBe(report!.summary.events);
    const [again] = await createWorldRunner({ world, levers: apiLevers(client, { orgUnitId, world, payoutEveryDays: 7 }), sink: httpSink(client), startDate: '2026-07-06', msPerDay: 0 }).runDays(1);
    expect(again!.duplicates).toBe(report!.summary.events);
  });
});
