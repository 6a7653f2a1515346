import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { disputeStatuses } from '../../engine/ledger/index.js';

/** Disputes (db/migrations/004_finance.sql): open → won | lost, one per order. */
export const disputeRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  order_id: z.string().uuid(),
  amount_minor: z.number(),
  currency: z.string(),
  reason: z.string(),
  status: z.enum(disputeStatuses),
  hold_transfer_id: z.string().uuid().nullable(),
  opened_at: z.date(),
  resolved_at: z.date().nullable(),
});
export type DisputeRow = z.infer<typeof disputeRow>;

const columns = sql.fragment`id, org_unit_id, order_id, amount_minor, currency::text AS currency, reason, status, hold_transfer_id, opened_at, resolved_at`;

/** Null when the order already has a dispute. */
export async function insertDispute(
  db: CommonQueryMethods,
  args: { orgUnitId: string; orderId: string; amountMinor: number; currency: string; reason: string; holdTransferId: string; at: Date },
): Promise<DisputeRow | null> {
  return db.maybeOne(sql.type(disputeRow)`
    INSERT INTO disputes (org_unit_id, order_id, amount_minor, currency, reason, hold_transfer_id, opened_at)
    VALUES (${args.orgUnitId}, ${args.orderId}, ${args.amountMinor}, ${args.currency}, ${args.reason}, ${args.holdTransferId}, ${sql.timestamp(args.at)})
    ON CONFLICT (org_unit_id, order_id) DO NOTHING
    RETURNING ${columns}`);
}

export async function findDisputeByOrder(db: CommonQueryMethods, args: { orgUnitId: string; orderId: string }): Promise<DisputeRow | null> {
  return db.maybeOne(sql.type(disputeRow)`SELECT ${columns} FROM disputes WHERE org_unit_id = ${args.orgUnitId} AND order_id = ${args.orderId}`);
}

export async function findDispute(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<DisputeRow | null> {
  return db.maybeOne(sql.type(disputeRow)`SELECT ${columns} FROM disputes WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** open → won | lost. Null when missing or already resolved. */
export async function resolveOpenDispute(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; outcome: 'won' | 'lost'; at: Date },
): Promise<DisputeRow | null> {
  return db.maybeOne(sql.type(disputeRow)`
    UPDATE disputes SET status = ${args.outcome}, resolved_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'open'
    RETURNING ${columns}`);
}
