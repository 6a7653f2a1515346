import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { claimsByCategory } from '../../../db/queries/twin-inputs.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/** What the twin reads of refunds and chargebacks: per category, of the orders placed in the window. */
let db: TestDatabase;
const org = 'org_claims';
beforeAll(async () => {
  db = await createTestDatabase();
  await upsertOrgUnit(db.pool, { id: org, name: 'Claims' });
  await db.pool.query(sql.unsafe`
    INSERT INTO products (org_unit_id, sku, name, category, price_minor, unit_cost_minor)
    VALUES (${org}, 'LAMP-1', 'Lamp', 'home', 4999, 2100), (${org}, 'MUG-1', 'Mug', 'home', 1899, 700), (${org}, 'CAP-1', 'Cap', 'fashion', 2500, 900)`);
  const events: [string, string, string, string][] = [
    // [type, orderId, sku, occurredAt]
    ['order.placed', 'o-before', 'LAMP-1', '2026-03-31T23:00:00Z'],
    ['order.refunded', 'o-before', '', '2026-04-02T10:00:00Z'],
    ['order.placed', 'o1', 'LAMP-1', '2026-04-01T09:00:00Z'],
    ['order.refunded', 'o1', '', '2026-04-03T09:00:00Z'],
    ['order.placed', 'o2', 'MUG-1', '2026-04-02T09:00:00Z'],
    ['chargeback.received', 'o2', '', '2026-04-05T09:00:00Z'],
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

/** Claims of the orders placed in the week of 1 April, as known at `asOf`. */
const claimsOfTheWeek = (asOf: string) =>
  claimsByCategory(db.pool, { orgUnitId: org, from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-04-08T00:00:00Z'), asOf: new Date(asOf) });

describe('claims by category', () => {
  it('counts the orders placed in [from, to) by their product category, and which of them were refunded or charged back by asOf', async () => {
    const rows = await claimsOfTheWeek('2026-04-08T00:00:00Z');
    // o-before was placed before the window, o-after after it, o5 is of no product in the catalog,
    // and o3's chargeback came after asOf.
    expect(rows).toEqual([
      { category: 'fashion', orders: 1, refunds: 0, chargebacks: 0 },
      { category: 'home', orders: 3, refunds: 1, chargebacks: 1 },
    ]);
  });

  it('counts a claim that arrives by a later asOf', async () => {
    const rows = await claimsOfTheWeek('2026-04-10T00:00:00Z');
    expect(rows.find((row) => row.category === 'home')).toEqual({ category: 'home', orders: 3, refunds: 1, chargebacks: 2 });
  });
});
