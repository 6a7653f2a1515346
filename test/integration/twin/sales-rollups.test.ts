import fc from 'fast-check';
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEventsOnce, type NewEvent } from '../../../db/queries/events.js';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { salesBySku } from '../../../db/queries/twin-inputs.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/**
 * What the twin reads of sales and claims, from the rollups a trigger keeps as events are
 * stored: per SKU and day, and per category of the orders placed in a window.
 */
let db: TestDatabase;
const org = 'org_claims';
let orgs = 0;
const newOrg = async () => {
  orgs += 1;
  const id = `org_rollup_${orgs}`;
  await upsertOrgUnit(db.pool, { id, name: 'Rollups' });
  return id;
};

beforeAll(async () => {
  db = await createTestDatabase();
  await upsertOrgUnit(db.pool, { id: org, name: 'Claims' });
  const events: [string, string, string, string][] = [
    // [type, orderId, sku, occurredAt]
    ['order.placed', 'o-before', 'LAMP-1', '2026-03-31T23:00:00Z'],
    ['order.refunded', 'o-before', '', '2026-04-02T10:00:00Z'],
    ['order.placed', 'o1', 'LAMP-1', '2026-04-01T09:00:00Z'],
    ['order.refunded', 'o1', '', '2026-04-03T09:00:00Z'],
    ['order.refunded', 'o1', '', '2026-04-04T09:00:00Z'],
    ['chargeback.received', 'o2', '', '2026-04-05T09:00:00Z'],
    ['order.placed', 'o2', 'MUG-1', '2026-04-02T09:00:00Z'],
    ['order.placed', 'o3', 'MUG-1', '2026-04-04T09:00:00Z'],
    ['chargeback.received', 'o3', '', '2026-04-09T09:00:00Z'],
    ['order.placed', 'o4', 'CAP-1', '2026-04-06T09:00:00Z'],
    ['order.placed', 'o5', 'GONE-1', '2026-04-06T10:00:00Z'],
    ['order.placed', 'o-after', 'CAP-1', '2026-04-08T09:00:00Z'],
  ];
  let key = 0;
  for (const [type, orderId, sku, at] of events) {
    key += 1;
    const payload = JSON.stringify(sku ? { orderId, sku, quantity: 1 } : { orderId, amountMinor: 100 });
    await db.pool.query(sql.unsafe`
      INSERT INTO events (org_unit_id, type, idempotency_key, payload, occurred_at) VALUES (${org}, ${type}, ${`k${key}`}, ${payload}::jsonb, ${at}::timestamptz)`);
  }
});
afterAll(async () => {
  await db.close();
});

/** Sales and claims of the orders placed in the week of 1 April, as known before `asOfDay`. */
const salesOfTheWeek = (asOfDay: string) => salesBySku(db.pool, { orgUnitId: org, fromDay: '2026-04-01', toDay: '2026-04-08', asOfDay });

describe('sales by SKU', () => {
  it('counts the orders placed in [from, to) per SKU, and which of them were refunded or charged back before asOf', async () => {
    // o-before was placed before the window, o-after after it; o1's second refund is the
    // same order; o2's chargeback came before its order was posted; o3's came after asOf.
    expect(await salesOfTheWeek('2026-04-08')).toEqual([
      { sku: 'CAP-1', units: 1, orders: 1, refunds: 0, chargebacks: 0, first_day: '2026-04-06' },
      { sku: 'GONE-1', units: 1, orders: 1, refunds: 0, chargebacks: 0, first_day: '2026-04-06' },
      { sku: 'LAMP-1', units: 1, orders: 1, refunds: 1, chargebacks: 0, first_day: '2026-04-01' },
      { sku: 'MUG-1', units: 2, orders: 2, refunds: 0, chargebacks: 1, first_day: '2026-04-02' },
    ]);
  });

  it('counts a claim that arrives by a later asOf', async () => {
    const rows = await salesOfTheWeek('2026-04-10');
    expect(rows.find((row) => row.sku === 'MUG-1')).toMatchObject({ orders: 2, chargebacks: 2 });
  });

  it('keeps events append-only, so the rollups never miss a change', async () => {
    await expect(db.pool.query(sql.unsafe`DELETE FROM events WHERE org_unit_id = ${org}`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(sql.unsafe`UPDATE events SET payload = '{}' WHERE org_unit_id = ${org}`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(sql.unsafe`TRUNCATE events CASCADE`)).rejects.toThrow(/append-only/);
    expect(await salesOfTheWeek('2026-04-08')).toHaveLength(4);
  });
});

type ShopEvent = Readonly<{ type: 'order.placed' | 'order.refunded' | 'chargeback.received'; orderId: string; sku: string; quantity: number; day: number }>;

const shopEvent: fc.Arbitrary<ShopEvent> = fc.record({
  type: fc.constantFrom('order.placed' as const, 'order.placed' as const, 'order.refunded' as const, 'chargeback.received' as const),
  orderId: fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6'),
  sku: fc.constantFrom('A', 'B', 'C'),
  quantity: fc.integer({ min: 1, max: 5 }),
  day: fc.integer({ min: 0, max: 5 }),
});

const dayOf = (day: number) => `2026-06-0${day + 1}`;

/** The rollups as the events say they should be, computed the long way. */
function expectedRollups(events: readonly ShopEvent[]) {
  const sales = new Map<string, { orders: number; units: number }>();
  const placedFirst = new Map<string, ShopEvent>();
  const claimFirst = new Map<string, ShopEvent>();
  for (const e of events) {
    if (e.type === 'order.placed') {
      const key = `${dayOf(e.day)}|${e.sku}`;
      const row = sales.get(key) ?? { orders: 0, units: 0 };
      sales.set(key, { orders: row.orders + 1, units: row.units + e.quantity });
    }
    const firsts = e.type === 'order.placed' ? placedFirst : claimFirst;
    const key = e.type === 'order.placed' ? e.orderId : `${e.orderId}|${e.type}`;
    const earlier = firsts.get(key);
    if (!earlier || e.day < earlier.day) firsts.set(key, e);
  }
  const claims = new Map<string, number>();
  for (const claim of claimFirst.values()) {
    const placed = placedFirst.get(claim.orderId);
    if (!placed) continue;
    const row = `${dayOf(placed.day)}|${placed.sku}|${claim.type === 'order.refunded' ? 'refund' : 'chargeback'}|${dayOf(claim.day)}`;
    claims.set(row, (claims.get(row) ?? 0) + 1);
  }
  return { sales, claims };
}

async function storedRollups(orgUnitId: string) {
  const sales = await db.pool.any(sql.type(z.object({ key: z.string(), orders: z.number(), units: z.number() }))`
    SELECT day::text || '|' || sku AS key, orders, units::int AS units FROM sales_daily WHERE org_unit_id = ${orgUnitId}`);
  const claims = await db.pool.any(sql.type(z.object({ key: z.string(), orders: z.number() }))`
    SELECT placed_day::text || '|' || sku || '|' || kind || '|' || claimed_day::text AS key, orders FROM claims_daily WHERE org_unit_id = ${orgUnitId} AND orders <> 0`);
  return {
    sales: new Map(sales.map((row) => [row.key, { orders: row.orders, units: row.units }])),
    claims: new Map(claims.map((row) => [row.key, row.orders])),
  };
}

describe('sales rollups', () => {
  it('equal what the events say, whatever the order the events arrive in and however they are batched', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(shopEvent, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), async (batches) => {
        const orgUnitId = await newOrg();
        let key = 0;
        for (const batch of batches) {
          const events: NewEvent[] = batch.map((e) => {
            key += 1;
            const payload = e.type === 'order.placed' ? { orderId: e.orderId, sku: e.sku, quantity: e.quantity } : { orderId: e.orderId, amountMinor: 100 };
            // Minutes apart within a day, in posting order, so "first" is never a tie.
            return { type: e.type, idempotencyKey: `k${key}`, payload, occurredAt: new Date(Date.parse(`${dayOf(e.day)}T00:00:00Z`) + key * 60_000) };
          });
          await insertEventsOnce(db.pool, { orgUnitId, source: 'test', events });
        }
        expect(await storedRollups(orgUnitId)).toEqual(expectedRollups(batches.flat()));
      }),
      { numRuns: 40 },
    );
  });
});

describe('sales rollups under concurrent ingestion', () => {
  // Several connections at once need a PostgreSQL server; the embedded database has one session.
  it.runIf(Boolean(process.env.DATABASE_URL))('count a claim whose order is stored by a transaction still open when the claim arrives', async () => {
    const orgUnitId = await newOrg();
    const order: NewEvent = { type: 'order.placed', idempotencyKey: 'order', payload: { orderId: 'o1', sku: 'A', quantity: 1 }, occurredAt: new Date('2026-06-01T10:00:00Z') };
    const claim: NewEvent = { type: 'order.refunded', idempotencyKey: 'claim', payload: { orderId: 'o1', amountMinor: 100 }, occurredAt: new Date('2026-06-02T10:00:00Z') };
    // A second client of its own: the pool will not be used from inside one of its transactions.
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query(`SET search_path TO "${db.schema}", public`);
      let claimStored: Promise<unknown> | undefined;
      await db.pool.transaction(async (tx) => {
        await insertEventsOnce(tx, { orgUnitId, source: 'test', events: [order] });
        claimStored = other.query(
          `INSERT INTO events (org_unit_id, type, idempotency_key, payload, occurred_at) VALUES ($1, $2, $3, $4, $5)`,
          [orgUnitId, claim.type, claim.idempotencyKey, JSON.stringify(claim.payload), claim.occurredAt],
        );
        // The claim's statement is under way before the order commits.
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      await claimStored;
    } finally {
      await other.end();
    }
    expect((await storedRollups(orgUnitId)).claims).toEqual(new Map([['2026-06-01|A|refund|2026-06-02', 1]]));
  });
});

