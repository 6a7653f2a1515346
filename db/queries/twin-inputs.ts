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

export const skuSalesRow = z.object({ sku: z.string(), units: z.number().int(), orders: z.number().int() });

/** Units and orders per SKU placed in [from, to). */
export async function salesBySku(db: CommonQueryMethods, args: { orgUnitId: string; from: Date; to: Date }): Promise<readonly z.infer<typeof skuSalesRow>[]> {
  return db.any(sql.type(skuSalesRow)`
    SELECT payload ->> 'sku' AS sku, sum((payload ->> 'quantity')::int)::int AS units, count(*)::int AS orders
      FROM events
     WHERE org_unit_id = ${args.orgUnitId} AND type = 'order.placed'
       AND occurred_at >= ${sql.timestamp(args.from)} AND occurred_at < ${sql.timestamp(args.to)}
     GROUP BY 1 ORDER BY 1`);
}

export const categoryClaimsRow = z.object({ category: z.string(), orders: z.number().int(), refunds: z.number().int(), chargebacks: z.number().int() });

/**
 * Per product category: orders placed in [from, to), and of those, how many were refunded
 * or charged back by `asOf` (claims arrive days after their order).
 */
export async function claimsByCategory(
  db: CommonQueryMethods,
  args: { orgUnitId: string; from: Date; to: Date; asOf: Date },
): Promise<readonly z.infer<typeof categoryClaimsRow>[]> {
  // One pass over the events grouped by order, then by SKU (a few hundred rows) before the
  // catalog join: joining placed orders to their claims row by row costs seconds at 10k orders.
  const { orgUnitId, from, to, asOf } = args;
  return db.any(sql.type(categoryClaimsRow)`
    WITH per_order AS (
      SELECT max(payload ->> 'sku') FILTER (WHERE type = 'order.placed' AND occurred_at < ${sql.timestamp(to)}) AS sku,
             bool_or(type = 'order.refunded' AND occurred_at < ${sql.timestamp(asOf)}) AS refunded,
             bool_or(type = 'chargeback.received' AND occurred_at < ${sql.timestamp(asOf)}) AS charged_back
        FROM events
       WHERE org_unit_id = ${orgUnitId} AND type IN ('order.placed', 'order.refunded', 'chargeback.received')
         AND occurred_at >= ${sql.timestamp(from)} AND occurred_at < greatest(${sql.timestamp(to)}, ${sql.timestamp(asOf)})
       GROUP BY payload ->> 'orderId'
    ), per_sku AS (
      SELECT sku, count(*) AS orders, count(*) FILTER (WHERE refunded) AS refunds, count(*) FILTER (WHERE charged_back) AS chargebacks
        FROM per_order WHERE sku IS NOT NULL GROUP BY sku
    )
    SELECT p.category, sum(s.orders)::int AS orders, sum(s.refunds)::int AS refunds, sum(s.chargebacks)::int AS chargebacks
      FROM per_sku s JOIN products p ON p.org_unit_id = ${orgUnitId} AND p.sku = s.sku
     GROUP BY 1 ORDER BY 1`);
}

/** When the newest event of a type happened (null before the first). */
export async function latestEventTime(db: CommonQueryMethods, args: { orgUnitId: string; type: string }): Promise<Date | null> {
  return db.oneFirst(sql.type(z.object({ at: z.date().nullable() }))`
    SELECT max(occurred_at) AS at FROM events WHERE org_unit_id = ${args.orgUnitId} AND type = ${args.type}`);
}

/** When the first event of a type in [from, to) happened (null when none did). */
export async function firstEventTimeBetween(db: CommonQueryMethods, args: { orgUnitId: string; type: string; from: Date; to: Date }): Promise<Date | null> {
  return db.oneFirst(sql.type(z.object({ at: z.date().nullable() }))`
    SELECT min(occurred_at) AS at FROM events
     WHERE org_unit_id = ${args.orgUnitId} AND type = ${args.type}
       AND occurred_at >= ${sql.timestamp(args.from)} AND occurred_at < ${sql.timestamp(args.to)}`);
}
