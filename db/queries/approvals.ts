import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { approvalStatuses, approvalRoles, type ApprovalStatus, type ApprovalRole } from '../../engine/governance/record-states.js';
export { approvalStatuses, approvalRoles, type ApprovalStatus, type ApprovalRole };

/**
 * Approvals (db/migrations/002_governance.sql). Every change of status is an UPDATE
 * conditional on `status = 'pending'`: of many concurrent deciders exactly one changes
 * the row, and the others see that they did not.
 */


export const approvalRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  action_id: z.string().uuid().nullable(),
  action: z.record(z.string(), z.unknown()),
  action_hash: z.string(),
  verdict_id: z.string().uuid().nullable(),
  workflow_run_id: z.string().uuid().nullable(),
  requested_by: z.string(),
  required_role: z.enum(approvalRoles),
  summary: z.string(),
  forecast: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(approvalStatuses),
  decided_by: z.string().nullable(),
  decision_reason: z.string().nullable(),
  decided_at: z.date().nullable(),
  expires_at: z.date(),
  created_at: z.date(),
});
export type ApprovalRow = z.infer<typeof approvalRow>;

const columns = sql.fragment`id, org_unit_id, action_id, action, action_hash, verdict_id, workflow_run_id, requested_by,
  required_role, summary, forecast, status, decided_by, decision_reason, decided_at, expires_at, created_at`;

export async function insertApproval(
  db: CommonQueryMethods,
  args: {
    orgUnitId: string;
    actionJson: string;
    actionHash: string;
    verdictId: string;
    workflowRunId: string | null;
    actionId: string | null;
    requestedBy: string;
    requiredRole: ApprovalRole;
    summary: string;
    forecastJson: string | null;
    expiresAt: Date;
    at: Date;
  },
): Promise<ApprovalRow> {
  return db.one(sql.type(approvalRow)`
    INSERT INTO approvals (org_unit_id, action, action_hash, verdict_id, workflow_run_id, action_id, requested_by,
                           required_role, summary, forecast, expires_at, created_at)
    VALUES (${args.orgUnitId}, ${args.actionJson}::jsonb, ${args.actionHash}, ${args.verdictId}, ${args.workflowRunId},
            ${args.actionId}, ${args.requestedBy}, ${args.requiredRole}, ${args.summary}, ${args.forecastJson}::jsonb,
            ${sql.timestamp(args.expiresAt)}, ${sql.timestamp(args.at)})
    RETURNING ${columns}`);
}

export async function findApproval(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<ApprovalRow | null> {
  return db.maybeOne(sql.type(approvalRow)`
    SELECT ${columns} FROM approvals WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/**
 * Approves or rejects a pending approval that has not expired at `at`. Null when it is no
 * longer pending (another decision won) or has expired.
 */
export async function decidePendingApproval(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; status: 'approved' | 'rejected'; decidedBy: string; reason: string; at: Date },
): Promise<ApprovalRow | null> {
  return db.maybeOne(sql.type(approvalRow)`
    UPDATE approvals
       SET status = ${args.status}, decided_by = ${args.decidedBy}, decision_reason = ${args.reason}, decided_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'pending' AND expires_at > ${sql.timestamp(args.at)}
    RETURNING ${columns}`);
}

/** Voids a pending approval (the action it was for changed). Null when it is no longer pending. */
export async function voidPendingApproval(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; reason: string; at: Date },
): Promise<ApprovalRow | null> {
  return db.maybeOne(sql.type(approvalRow)`
    UPDATE approvals SET status = 'void', decision_reason = ${args.reason}, decided_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'pending'
    RETURNING ${columns}`);
}

/** Marks the org unit's pending approvals due at `at` expired (or just the one named) and returns them. */
export async function expirePendingApprovals(
  db: CommonQueryMethods,
  args: { orgUnitId: string; at: Date; id?: string; limit: number },
): Promise<readonly ApprovalRow[]> {
  const only = args.id === undefined ? sql.fragment`` : sql.fragment`AND id = ${args.id}`;
  return db.any(sql.type(approvalRow)`
    UPDATE approvals SET status = 'expired', decided_at = ${sql.timestamp(args.at)}
     WHERE id IN (
       SELECT id FROM approvals
        WHERE org_unit_id = ${args.orgUnitId} AND status = 'pending' AND expires_at <= ${sql.timestamp(args.at)} ${only}
        ORDER BY expires_at LIMIT ${args.limit}
        FOR UPDATE SKIP LOCKED)
       AND status = 'pending'
    RETURNING ${columns}`);
}

/** Org units that have pending approvals due at `at`, for the expiry sweep. */
export async function orgUnitsWithDueApprovals(db: CommonQueryMethods, at: Date): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ org_unit_id: z.string() }))`
    SELECT DISTINCT org_unit_id FROM approvals WHERE status = 'pending' AND expires_at <= ${sql.timestamp(at)}`);
}

/** Newest first. */
export async function listApprovals(
  db: CommonQueryMethods,
  args: { orgUnitId: string; status?: ApprovalStatus; limit: number },
): Promise<readonly ApprovalRow[]> {
  const status = args.status === undefined ? sql.fragment`` : sql.fragment`AND status = ${args.status}`;
  return db.any(sql.type(approvalRow)`
    SELECT ${columns} FROM approvals WHERE org_unit_id = ${args.orgUnitId} ${status}
     ORDER BY created_at DESC, id LIMIT ${args.limit}`);
}
