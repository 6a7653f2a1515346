import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const orderStatuses = ['placed', 'blocked', 'released', 'fulfilled', 'refunded', 'charged_back', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Statuses an order may be blocked from: once fulfilled or settled, blocking it means nothing. */
export const blockableOrderStatuses = ['placed', 'released'] as const satisfies readonly OrderStatus[];

export const orderRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  external_id: z.string(),
  product_id: z.string().uuid(),
  quantity: z.number().int(),
  currency: z.string(),
  total_minor: z.number().int(),
  status: z.enum(orderStatuses),
  blocked_reason: z.string().nullable(),
  updated_at: z.date(),
});
export type OrderRow = z.infer<typeof orderRow>;

const columns = sql.fragment`id, org_unit_id, external_id, product_id, quantity, currency, total_minor, status, blocked_reason, updated_at`;

export async function findOrder(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRow)`
    SELECT ${columns} FROM orders WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

export const blockedOrderRow = orderRow.extend({ previous_status: z.enum(orderStatuses) });

/** placed | released → blocked. Null when the order is missing or in another status. */
export async function blockOrder(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; reason: string; at: Date },
): Promise<z.infer<typeof blockedOrderRow> | null> {
  // The CTE locks the row first, so the status it reports as previous is the one replaced.
  return db.maybeOne(sql.type(blockedOrderRow)`
    WITH previous AS (
      SELECT id, status FROM orders
       WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}
         AND status = ANY(${sql.array([...blockableOrderStatuses], 'text')})
       FOR UPDATE
    )
    UPDATE orders o
       SET status = 'blocked', blocked_reason = ${args.reason}, updated_at = ${sql.timestamp(args.at)}
      FROM previous
     WHERE o.org_unit_id = ${args.orgUnitId} AND o.id = previous.id
       AND o.status = ANY(${sql.array([...blockableOrderStatuses], 'text')})
    RETURNING o.id, o.org_unit_id, o.external_id, o.product_id, o.quantity, o.currency, o.total_minor, o.status,
              o.blocked_reason, o.updated_at, previous.status AS previous_status`);
}

/** blocked → released. Null when the order is missing or not blocked. */
export async function releaseOrder(db: CommonQueryMethods, args: { orgUnitId: string; id: string; at: Date }): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRow)`
    UPDATE orders
       SET status = 'released', blocked_reason = NULL, updated_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'blocked'
    RETURNING ${columns}`);
}
