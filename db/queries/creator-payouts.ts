import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { PayoutFunds, PeriodReconciliation } from '../../engine/ledger/index.js';

/**
 * Creator payouts (payouts in 003_business.sql, risk columns in 013): one row per creator
 * and period, with the funds and reconciliation facts the payout checks read.
 */

export const payoutStatuses = ['due', 'held', 'posted', 'blocked', 'cancelled'] as const;

export const creatorPayoutRow = z.object({
  id: z.string().uuid(),
  creator_id: z.string().uuid(),
  handle: z.string(),
  commission_bps: z.number().int(),
  period_start: z.string(),
  period_end: z.string(),
  amount_minor: z.number().int(),
  currency: z.string(),
  status: z.enum(payoutStatuses),
  risk_score: z.number().nullable(),
  assessed_at: z.date().nullable(),
  blocked_reason: z.string().nullable(),
});
export type CreatorPayoutRow = z.infer<typeof creatorPayoutRow>;

const columns = sql.fragment`p.id, p.creator_id, c.handle, c.commission_bps, p.period_start, p.period_end, p.amount_minor, p.currency, p.status,
  p.risk_score, p.assessed_at, p.blocked_reason`;

export async function findCreatorByHandle(db: CommonQueryMethods, args: { orgUnitId: string; handle: string }): Promise<{ id: string } | null> {
  return db.maybeOne(sql.type(z.object({ id: z.string().uuid() }))`SELECT id FROM creators WHERE org_unit_id = ${args.orgUnitId} AND handle = ${args.handle}`);
}

/** The payout for the creator and period, created as due the first time it is asked for. */
export async function ensurePayout(
  db: CommonQueryMethods,
  args: { orgUnitId: string; creatorId: string; periodStart: string; periodEnd: string; amountMinor: number; currency: string },
): Promise<CreatorPayoutRow> {
  await db.query(sql.unsafe`
    INSERT INTO payouts (org_unit_id, creator_id, period_start, period_end, amount_minor, currency)
    VALUES (${args.orgUnitId}, ${args.creatorId}, ${args.periodStart}, ${args.periodEnd}, ${args.amountMinor}, ${args.currency})
    ON CONFLICT (org_unit_id, creator_id, period_start, period_end) DO NOTHING`);
  return db.one(sql.type(creatorPayoutRow)`
    SELECT ${columns} FROM payouts p JOIN creators c ON c.org_unit_id = p.org_unit_id AND c.id = p.creator_id
     WHERE p.org_unit_id = ${args.orgUnitId} AND p.creator_id = ${args.creatorId}
       AND p.period_start = ${args.periodStart} AND p.period_end = ${args.periodEnd}`);
}

export async function findPayout(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<CreatorPayoutRow | null> {
  return db.maybeOne(sql.type(creatorPayoutRow)`
    SELECT ${columns} FROM payouts p JOIN creators c ON c.org_unit_id = p.org_unit_id AND c.id = p.creator_id
     WHERE p.org_unit_id = ${args.orgUnitId} AND p.id = ${args.id}`);
}

export async function recordAssessment(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; riskScore: number; reconciliationId: string | null; blockedReason: string | null; at: Date },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE payouts SET risk_score = ${args.riskScore}, reconciliation_id = ${args.reconciliationId}, assessed_at = ${sql.timestamp(args.at)},
           status = ${args.blockedReason === null ? 'due' : 'blocked'}, blocked_reason = ${args.blockedReason}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status IN ('due', 'blocked')`);
}

/** Moves a payout on; a payout already posted never moves back. */
export async function setPayoutStatus(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; status: 'held' | 'posted' | 'blocked'; blockedReason?: string; transferId?: string; at: Date },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE payouts SET status = ${args.status}, blocked_reason = ${args.blockedReason ?? null}, transfer_id = coalesce(${args.transferId ?? null}::uuid, transfer_id),
           posted_at = ${args.status === 'posted' ? sql.timestamp(args.at) : null}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status <> 'posted'`);
}

/** The reconciliation covering the period: a reconciled one if any, else the latest. */
export async function periodReconciliation(
  db: CommonQueryMethods,
  args: { orgUnitId: string; periodStart: string; periodEnd: string },
): Promise<{ id: string | null; status: PeriodReconciliation }> {
  const row = await db.maybeOne(sql.type(z.object({ id: z.string().uuid(), status: z.enum(['open', 'mismatched', 'reconciled']) }))`
    SELECT id, status FROM reconciliations
     WHERE org_unit_id = ${args.orgUnitId} AND period_start <= ${args.periodStart}::date AND period_end >= ${args.periodEnd}::date
     ORDER BY (status = 'reconciled') DESC, created_at DESC, id LIMIT 1`);
  return row ?? { id: null, status: 'missing' };
}

/** Cash, reserves and open disputes in one currency; `excludeHold` leaves the payout's own hold out of reserves. */
export async function payoutFunds(db: CommonQueryMethods, args: { orgUnitId: string; currency: string; excludeHold: string }): Promise<PayoutFunds> {
  const ledger = await db.one(sql.type(z.object({ collected: z.number().int(), reserves: z.number().int() }))`
    SELECT coalesce(sum(e.amount_minor) FILTER (WHERE a.path = 'platform:cash' AND t.status = 'posted'), 0)::int8 AS collected,
           coalesce(sum(e.amount_minor) FILTER (WHERE a.path LIKE 'reserve:%' AND (t.status = 'posted'
             OR (t.status = 'pending' AND t.transfer_key NOT LIKE 'dispute:%' AND t.transfer_key <> ${args.excludeHold}))), 0)::int8 AS reserves
      FROM ledger_entries e
      JOIN ledger_accounts a ON a.id = e.account_id
      JOIN ledger_transfers t ON t.id = e.transfer_id
     WHERE e.org_unit_id = ${args.orgUnitId} AND e.currency = ${args.currency}`);
  const disputes = await db.oneFirst(sql.type(z.object({ open: z.number().int() }))`
    SELECT coalesce(sum(amount_minor), 0)::int8 AS open FROM disputes
     WHERE org_unit_id = ${args.orgUnitId} AND currency = ${args.currency} AND status = 'open'`);
  return { collectedNetMinor: ledger.collected, reservesMinor: ledger.reserves, openDisputesMinor: disputes };
}

/** The payee's orders placed in the period: how many, how many flagged (blocked or charged back), and their sales. */
export async function creatorPeriodOrders(
  db: CommonQueryMethods,
  args: { orgUnitId: string; creatorId: string; periodStart: string; periodEnd: string; currency: string },
): Promise<{ orders: number; flagged: number; salesMinor: number }> {
  return db.one(sql.type(z.object({ orders: z.number().int(), flagged: z.number().int(), salesMinor: z.number().int() }))`
    SELECT count(*)::int AS orders,
           count(*) FILTER (WHERE o.status IN ('blocked', 'charged_back') OR f.label = 'fraud')::int AS flagged,
           coalesce(sum(o.total_minor) FILTER (WHERE o.status NOT IN ('blocked', 'charged_back', 'cancelled', 'refunded') AND f.label IS DISTINCT FROM 'fraud'), 0)::int8 AS "salesMinor"
      FROM orders o
      LEFT JOIN fraud_outcomes f ON f.org_unit_id = o.org_unit_id AND f.order_id = o.id
     WHERE o.org_unit_id = ${args.orgUnitId} AND o.creator_id = ${args.creatorId} AND o.currency = ${args.currency}
       AND o.placed_at >= ${args.periodStart}::date AND o.placed_at < (${args.periodEnd}::date + 1)`);
}

/** The shop's latest cash and runway (metrics.snapshot), from which a payout's effect on runway is projected. */
export async function latestCashSnapshot(db: CommonQueryMethods, orgUnitId: string): Promise<{ cashMinor: number; runwayDays: number } | null> {
  const row = await db.maybeOne(sql.type(z.object({ cash: z.string().nullable(), runway: z.string().nullable() }))`
    SELECT payload ->> 'cashMinor' AS cash, payload ->> 'runwayDays' AS runway FROM events
     WHERE org_unit_id = ${orgUnitId} AND type = 'metrics.snapshot'
     ORDER BY occurred_at DESC, recorded_at DESC LIMIT 1`);
  if (row?.cash == null || row.runway == null) return null;
  const cashMinor = Number(row.cash);
  const runwayDays = Number(row.runway);
  return Number.isSafeInteger(cashMinor) && Number.isFinite(runwayDays) ? { cashMinor, runwayDays } : null;
}
