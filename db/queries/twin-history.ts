import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * The recorded events calibration learns from, and what a revenue forecast's window
 * actually sold (for the prediction-vs-outcome table).
 */
export const historyEventRow = z.object({ type: z.string(), occurred_at: z.date(), payload: z.record(z.unknown()) });
export type HistoryEventRow = z.infer<typeof historyEventRow>;

/** Events of the given types that occurred in [from, to), oldest first. */
export async function listHistoryEvents(
  db: CommonQueryMethods,
  args: { orgUnitId: string; types: readonly string[]; from: Date; to: Date },
): Promise<readonly HistoryEventRow[]> {
  return db.any(sql.type(historyEventRow)`
    SELECT type, occurred_at, payload FROM events
     WHERE org_unit_id = ${args.orgUnitId} AND type = ANY(${sql.array([...args.types], 'text')})
       AND occurred_at >= ${sql.timestamp(args.from)} AND occurred_at < ${sql.timestamp(args.to)}
     ORDER BY occurred_at, id`);
}

/**
 * Revenue (integer minor units, as a decimal string) of the orders placed in [from, to),
 * leaving out orders charged back by now: the twin forecasts genuine shoppers' sales, and
 * fraud separately.
 */
export async function genuineRevenueBetween(db: CommonQueryMethods, args: { orgUnitId: string; from: Date; to: Date }): Promise<string> {
  return db.oneFirst(sql.type(z.object({ revenue: z.string() }))`
    WITH charged AS (
      SELECT DISTINCT payload ->> 'orderId' AS order_id FROM events
       WHERE org_unit_id = ${args.orgUnitId} AND type = 'chargeback.received' AND occurred_at >= ${sql.timestamp(args.from)}
    )
    SELECT coalesce(sum((o.payload ->> 'quantity')::bigint * (o.payload ->> 'unitPriceMinor')::bigint), 0)::text AS revenue
      FROM events o LEFT JOIN charged c ON c.order_id = o.payload ->> 'orderId'
     WHERE o.org_unit_id = ${args.orgUnitId} AND o.type = 'order.placed' AND c.order_id IS NULL
       AND o.occurred_at >= ${sql.timestamp(args.from)} AND o.occurred_at < ${sql.timestamp(args.to)}`);
}
