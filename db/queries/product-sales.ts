import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** One SKU's sales in [from, to), summed from its order.placed events (integer minor units). */
export const productSalesRow = z.object({ orders: z.number().int(), units: z.number().int(), revenue_minor: z.number().int() });
export type ProductSalesRow = z.infer<typeof productSalesRow>;

export async function productSalesBetween(db: CommonQueryMethods, args: { orgUnitId: string; sku: string; from: Date; to: Date }): Promise<ProductSalesRow> {
  return db.one(sql.type(productSalesRow)`
    SELECT count(*)::int AS orders,
           coalesce(sum((payload ->> 'quantity')::int), 0)::int AS units,
           coalesce(sum((payload ->> 'quantity')::bigint * (payload ->> 'unitPriceMinor')::bigint), 0)::bigint AS revenue_minor
      FROM events
     WHERE org_unit_id = ${args.orgUnitId} AND type = 'order.placed' AND payload ->> 'sku' = ${args.sku}
       AND occurred_at >= ${sql.timestamp(args.from)} AND occurred_at < ${sql.timestamp(args.to)}`);
}

/** How far the shop's events reach: the latest occurred_at of any event, or null before the first. */
export async function latestEventAt(db: CommonQueryMethods, orgUnitId: string): Promise<Date | null> {
  return db.maybeOneFirst(sql.type(z.object({ at: z.date().nullable() }))`
    SELECT max(occurred_at) AS at FROM events WHERE org_unit_id = ${orgUnitId}`);
}
