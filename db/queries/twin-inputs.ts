import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { creatorRow } from './creators.js';
import { productRow } from './products.js';

/**
 * What the twin reads to start a simulation from the shop as it is: active products and
 * creators, cash, the creators' payout schedule, and recent sales for the priors. Sales
 * come from the business events (server/contracts/events.ts), as the shop posted them.
 */
export const twinProductRow = productRow.pick({ id: true, sku: true, category: true, currency: true, price_minor: true, unit_cost_minor: true, stock: true, lead_time_days: true });
export type TwinProductRow = z.infer<typeof twinProductRow>;

export async function listTwinProducts(db: CommonQueryMethods, orgUnitId: string): Promise<readonly TwinProductRow[]> {
  return db.any(sql.type(twinProductRow)`
    SELECT id, sku, category, currency, price_minor, unit_cost_minor, stock, lead_time_days
      FROM products WHERE org_unit_id = ${orgUnitId} AND status = 'active' ORDER BY sku`);
}

export const twinCreatorRow = creatorRow.pick({ id: true, handle: true, audience: true, conversion_bps: true, commission_bps: true });
export type TwinCreatorRow = z.infer<typeof twinCreatorRow>;

export async function listTwinCreators(db: CommonQueryMethods, orgUnitId: string): Promise<readonly TwinCreatorRow[]> {
  return db.any(sql.type(twinCreatorRow)`
    SELECT id, handle, audience, conversion_bps, commission_bps
      FROM creators WHERE org_unit_id = ${orgUnitId} AND status = 'active' ORDER BY handle`);
}

/** Cash and when it was reported, from the newest metrics.snapshot event. */
export async function latestCash(db: CommonQueryMethods, orgUnitId: string): Promise<{ cash_minor: number; occurred_at: Date } | null> {
  return db.maybeOne(sql.type(z.object({ cash_minor: z.number().int(), occurred_at: z.date() }))`
    SELECT (payload ->> 'cashMinor')::bigint AS cash_minor, occurred_at
      FROM events WHERE org_unit_id = ${orgUnitId} AND type = 'metrics.snapshot'
     ORDER BY occurred_at DESC, id DESC LIMIT 1`);
}

/**
 * The end of the newest creator payout period (payout.due), and the commission creators
 * have earned on orders placed since (their stream's orders, at their commission rate).
 */
export async function payoutPosition(db: CommonQueryMethods, orgUnitId: string): Promise<{ last_period_end: string | null; accrued_minor: number }> {
  return db.one(sql.type(z.object({ last_period_end: z.string().nullable(), accrued_minor: z.number().int() }))`
    WITH last_payout AS (
      SELECT max((payload ->> 'periodEnd')::date) AS period_end
        FROM events WHERE org_unit_id = ${orgUnitId} AND type = 'payout.due'
    )
    SELECT (SELECT period_end FROM last_payout) AS last_period_end,
           coalesce((
             SELECT sum(floor((e.payload ->> 'quantity')::bigint * (e.payload ->> 'unitPriceMinor')::bigint * c.commission_bps / 10000.0))
               FROM events e
               JOIN creators c ON c.org_unit_id = e.org_unit_id AND c.handle = e.payload ->> 'creatorHandle'
              WHERE e.org_unit_id = ${orgUnitId} AND e.type = 'order.placed'
                AND e.occurred_at >= coalesce((SELECT period_end + 1 FROM last_payout), '-infinity'::timestamptz)
           ), 0)::bigint AS accrued_minor`);
}

export const skuSalesRow = z.object({
  sku: z.string(),
  units: z.number().int(),
  orders: z.number().int(),
  refunds: z.number().int(),
  chargebacks: z.number().int(),
  first_day: z.string(),
});
export type SkuSalesRow = z.infer<typeof skuSalesRow>;

/**
 * Per SKU, from the sales rollups (migration 017): units and orders placed in whole UTC
 * days [fromDay, toDay), the first of those days with an order, and how many of those
 * orders were refunded or charged back before `asOfDay` (claims arrive days later).
 */
export async function salesBySku(
  db: CommonQueryMethods,
  args: { orgUnitId: string; fromDay: string; toDay: string; asOfDay: string },
): Promise<readonly SkuSalesRow[]> {
  const { orgUnitId, fromDay, toDay, asOfDay } = args;
  return db.any(sql.type(skuSalesRow)`
    SELECT sku, sum(units)::int AS units, sum(orders)::int AS orders, sum(refunds)::int AS refunds, sum(chargebacks)::int AS chargebacks,
           min(day)::text AS first_day
      FROM (
        SELECT sku, units, orders, 0 AS refunds, 0 AS chargebacks, day
          FROM sales_daily WHERE org_unit_id = ${orgUnitId} AND day >= ${fromDay}::date AND day < ${toDay}::date
        UNION ALL
        SELECT sku, 0, 0, CASE kind WHEN 'refund' THEN orders ELSE 0 END, CASE kind WHEN 'chargeback' THEN orders ELSE 0 END, NULL
          FROM claims_daily
         WHERE org_unit_id = ${orgUnitId} AND placed_day >= ${fromDay}::date AND placed_day < ${toDay}::date AND claimed_day < ${asOfDay}::date
      ) AS rows
     GROUP BY sku
    HAVING sum(orders) > 0
     ORDER BY sku`);
}

/** When the newest event of a type happened (null before the first). */
export async function latestEventTime(db: CommonQueryMethods, args: { orgUnitId: string; type: string }): Promise<Date | null> {
  return db.oneFirst(sql.type(z.object({ at: z.date().nullable() }))`
    SELECT max(occurred_at) AS at FROM events WHERE org_unit_id = ${args.orgUnitId} AND type = ${args.type}`);
}
