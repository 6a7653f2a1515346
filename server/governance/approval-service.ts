import type { DatabaseTransactionConnection } from 'slonik';
import {
  decidePendingApproval,
  expirePendingApprovals,
  findApproval,
  insertApproval,
  listApprovals,
  orgUnitsWithDueApprovals,
  voidPendingApproval,
  type ApprovalRole,
  type ApprovalRow,
  type ApprovalStatus,
} from '../../db/queries/approvals.js';
import type { AuditInput } from '../../engine/governance/audit/index.js';
import { actionHash, actionJson, type Action, type Actor } from '../../engine/governance/index.js';
import { AppError, forbidden, notFound, validationFailed } from '../errors/catalog.js';
import { isoTime, publishCommitted, systemActor, type GovernanceDeps } from './governance-deps.js';
import type { GovernorService, RecordedVerdict } from './governor-service.js';
import { governanceDenied } from './governor-service.js';

export type ApprovalView = Readonly<{
  id: string;
  orgUnitId: string;
  /** The exact action, as hashed (non-finite numbers as strings; see engine/governance/action-hash.ts). */
  action: Readonly<Record<string, unknown>>;
  actionHash: string;
  tool: string;
  verdictId: string | null;
  workflowRunId: string | null;
  actionId: string | null;
  requestedBy: string;
  requiredRole: ApprovalRole;
  summary: string;
  forecast: Readonly<Record<string, unknown>> | null;
  status: ApprovalStatus;
  decidedBy: string | null;
  decisionReason: string | null;
  decidedAt: string | null;
  expiresAt: string;
  createdAt: string;
}>;

export type ApprovalRequestOptions = Readonly<{
  expiresInMs: number;
  /** Who may decide: an operator (or a founder), or a founder only. Default operator. */
  requiredRole?: ApprovalRole;
  /** One line for the inbox; defaults to the verdict's reasons. */
  summary?: string;
  /** The twin's forecast for the action, shown beside it. */
  forecast?: Readonly<Record<string, unknown>>;
  workflowRunId?: string;
  actionId?: string;
}>;

export type ApprovalDecision = Readonly<{
  decision: 'approve' | 'reject';
  reason: string;
  actor: Actor;
  /** The hash of the action the decider was shown; a different one means the action changed, which voids the approval. */
  actionHash?: string;
}>;

/** Every way a pending approval ends: decided, expired, or void. */
export type ApprovalSettled = Readonly<{ approval: ApprovalView }>;
export type ApprovalListener = (event: ApprovalSettled) => void | Promise<void>;

export type ApprovalService = {
  request(action: Action, verdict: RecordedVerdict, options: ApprovalRequestOptions): Promise<ApprovalView>;
  decide(orgUnitId: string, approvalId: string, decision: ApprovalDecision): Promise<ApprovalView>;
  /** Expires every pending approval due at `now` (the sweeper); returns those it expired. */
  expireDue(now?: number): Promise<readonly ApprovalView[]>;
  list(orgUnitId: string, filters?: Readonly<{ status?: ApprovalStatus; limit?: number }>): Promise<readonly ApprovalView[]>;
  get(orgUnitId: string, approvalId: string): Promise<ApprovalView>;
  /**
   * Calls `listener` after each approval settles (approved, rejected, expired, void), once
   * committed; the workflow runtime resumes the run that waits on it. Returns the unsubscribe.
   * Listeners are told in-process only: after a restart the runtime reads settled approvals
   * from the database.
   */
  onDecided(listener: ApprovalListener): () => void;
};

export type ApprovalServiceDeps = GovernanceDeps & Readonly<{ governor: GovernorService }>;

const maxExpiryMs = 30 * 24 * 3_600_000;
const maxReason = 2000;
const roleRank: Readonly<Record<string, number>> = { founder: 2, operator: 1 };

/**
 * Approvals bind to the SHA-256 of the exact action's canonical JSON. Deciding goes through
 * the governor as `governance.approve` (so the requester and agents are refused by the
 * no_self_approval and agents_never_approve invariants, on the record), then checks the
 * required role, expiry and the action hash. The deciding UPDATE is conditional on the row
 * still being pending: of any number of concurrent decisions exactly one wins, and the
 * rest answer 409 APPROVAL_ALREADY_DECIDED.
 */
export function createApprovalService(deps: ApprovalServiceDeps): ApprovalService {
  const { pool, audit, clock, logger, governor } = deps;
  const listeners = new Set<ApprovalListener>();

  async function settled(approvals: readonly ApprovalView[]): Promise<void> {
    for (const approval of approvals) {
      await publishCommitted(deps, approval.orgUnitId, 'approval.resolved', streamPayload(approval));
      for (const listener of listeners) {
        try {
          await listener({ approval });
        } catch (error) {
          logger.error({ err: error, approvalId: approval.id }, 'governance: an approval listener failed');
        }
      }
    }
  }

  /** Changes a pending approval and audits the change in one transaction; null when it was no longer pending. */
  async function settle(
    orgUnitId: string,
    actor: Actor,
    change: (tx: DatabaseTransactionConnection) => Promise<ApprovalRow | null>,
  ): Promise<ApprovalView | null> {
    const view = await pool.transaction(async (tx) => {
      const row = await change(tx);
      if (!row) return null;
      const approval = toApprovalView(row);
      await audit.appendInTransaction(tx, orgUnitId, [decidedAudit(approval, actor)]);
      return approval;
    });
    if (view) await settled([view]);
    return view;
  }

  async function expireOne(row: ApprovalRow, at: Date): Promise<void> {
    const expired = await pool.transaction(async (tx) => {
      const rows = await expirePendingApprovals(tx, { orgUnitId: row.org_unit_id, id: row.id, at, limit: 1 });
      const views = rows.map(toApprovalView);
      await audit.appendInTransaction(tx, row.org_unit_id, views.map((view) => decidedAudit(view, systemActor)));
      return views;
    });
    await settled(expired);
  }

  /** The 409 for an approval that is no longer pending, saying how it ended. */
  function notPending(row: ApprovalRow): AppError {
    if (row.status === 'expired') return new AppError('APPROVAL_EXPIRED', `approval ${row.id} expired at ${row.expires_at.toISOString()}`, { status: row.status });
    if (row.status === 'void') return new AppError('APPROVAL_VOID', `approval ${row.id} is void: ${row.decision_reason ?? 'the action changed'}`, { status: row.status });
    return new AppError('APPROVAL_ALREADY_DECIDED', `approval ${row.id} was already ${row.status} by ${row.decided_by ?? 'someone'}`, {
      status: row.status,
      decidedBy: row.decided_by,
      decidedAt: isoTime(row.decided_at),
    });
  }

  async function load(orgUnitId: string, approvalId: string): Promise<ApprovalRow> {
    const row = await findApproval(pool, { orgUnitId, id: approvalId });
    if (!row) throw notFound(`approval ${approvalId}`);
    return row;
  }

  return {
    async request(action, verdict, options) {
      if (verdict.outcome !== 'require_approval') {
        throw new AppError('CONFLICT', `verdict ${verdict.id} is ${verdict.outcome}; only require_approval verdicts are sent for approval`);
      }
      const hash = actionHash(action);
      if (verdict.actionHash !== hash || verdict.orgUnitId !== action.orgUnitId) {
        throw new AppError('CONFLICT', `verdict ${verdict.id} was given for a different action`);
      }
      if (!Number.isSafeInteger(options.expiresInMs) || options.expiresInMs < 1000 || options.expiresInMs > maxExpiryMs) {
        throw validationFailed([{ path: 'expiresInMs', message: `must be a whole number of milliseconds from 1000 to ${maxExpiryMs}` }]);
      }
      const now = clock.now();
      const summary = (options.summary ?? verdict.matched.filter((m) => m.effect === 'require_approval').map((m) => m.message).join('; ')).slice(0, 1000);
      const view = await pool.transaction(async (tx) => {
        const row = await insertApproval(tx, {
          orgUnitId: action.orgUnitId,
          actionJson: JSON.stringify(actionJson(action)),
          actionHash: hash,
          verdictId: verdict.id,
          workflowRunId: options.workflowRunId ?? null,
          actionId: options.actionId ?? null,
          requestedBy: action.actor.id,
          requiredRole: options.requiredRole ?? 'operator',
          summary,
          forecastJson: options.forecast === undefined ? null : JSON.stringify(options.forecast),
          expiresAt: new Date(now + options.expiresInMs),
          at: new Date(now),
        });
        const approval = toApprovalView(row);
        await audit.appendInTransaction(tx, action.orgUnitId, [
          {
            kind: 'approval.requested',
            actor: action.actor.id,
            data: {
              approvalId: approval.id,
              tool: approval.tool,
              actionHash: hash,
              verdictId: verdict.id,
              requiredRole: approval.requiredRole,
              expiresAt: approval.expiresAt,
              workflowRunId: approval.workflowRunId,
            },
          },
        ]);
        return approval;
      });
      await publishCommitted(deps, view.orgUnitId, 'approval.requested', streamPayload(view));
      return view;
    },

    async decide(orgUnitId, approvalId, decision) {
      const { actor } = decision;
      const reason = decision.reason.trim();
      if (reason.length === 0 || reason.length > maxReason) throw validationFailed([{ path: 'reason', message: `must be 1 to ${maxReason} characters` }]);
      const row = await load(orgUnitId, approvalId);
      const verdict = await governor.evaluate({
        orgUnitId,
        actor,
        tool: 'governance.approve',
        input: { approvalId, requestedBy: row.requested_by, decision: decision.decision, actionHash: row.action_hash, requiredRole: row.required_role },
        context: {},
        autonomous: actor.kind !== 'user',
      });
      if (verdict.outcome !== 'allow') throw governanceDenied(verdict);
      if ((roleRank[actor.role] ?? 0) < (roleRank[row.required_role] ?? Number.POSITIVE_INFINITY)) {
        throw forbidden(`approval ${approvalId} needs a ${row.required_role}${row.required_role === 'operator' ? ' or a founder' : ''}; a ${actor.role} cannot decide it`);
      }
      if (row.status !== 'pending') throw notPending(row);
      const at = new Date(clock.now());
      if (row.expires_at.getTime() <= at.getTime()) {
        await expireOne(row, at);
        throw notPending({ ...row, status: 'expired' });
      }
      if (decision.actionHash !== undefined && decision.actionHash !== row.action_hash) {
        const voidReason = `the action changed: approved ${decision.actionHash}, requested ${row.action_hash}`;
        const voided = await settle(orgUnitId, actor, (tx) => voidPendingApproval(tx, { orgUnitId, id: approvalId, reason: voidReason, at }));
        if (!voided) throw notPending(await load(orgUnitId, approvalId));
        throw new AppError('APPROVAL_VOID', `approval ${approvalId} is void: ${voidReason}`, { status: 'void' });
      }
      const status = decision.decision === 'approve' ? 'approved' : 'rejected';
      const decided = await settle(orgUnitId, actor, (tx) => decidePendingApproval(tx, { orgUnitId, id: approvalId, status, decidedBy: actor.id, reason, at }));
      if (decided) return decided;
      // Another decision won, or it expired between the read and the update.
      const current = await load(orgUnitId, approvalId);
      if (current.status === 'pending') {
        await expireOne(current, at);
        throw notPending({ ...current, status: 'expired' });
      }
      throw notPending(current);
    },

    async expireDue(now = clock.now()) {
      const at = new Date(now);
      const expired: ApprovalView[] = [];
      for (const orgUnitId of await orgUnitsWithDueApprovals(pool, at)) {
        // Bounded batches keep each transaction (and its hold on the audit head) short.
        for (;;) {
          const batch = await pool.transaction(async (tx) => {
            const views = (await expirePendingApprovals(tx, { orgUnitId, at, limit: 200 })).map(toApprovalView);
            await audit.appendInTransaction(tx, orgUnitId, views.map((view) => decidedAudit(view, systemActor)));
            return views;
          });
          expired.push(...batch);
          await settled(batch);
          if (batch.length < 200) break;
        }
      }
      return expired;
    },

    async list(orgUnitId, filters = {}) {
      return (await listApprovals(pool, { orgUnitId, status: filters.status, limit: filters.limit ?? 100 })).map(toApprovalView);
    },

    async get(orgUnitId, approvalId) {
      return toApprovalView(await load(orgUnitId, approvalId));
    },

    onDecided(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function decidedAudit(approval: ApprovalView, actor: Actor): AuditInput {
  return {
    kind: 'approval.decided',
    actor: actor.id,
    data: {
      approvalId: approval.id,
      status: approval.status,
      actionHash: approval.actionHash,
      reason: approval.decisionReason,
      decidedAt: approval.decidedAt,
    },
  };
}

/** What the inbox needs live; the full action and forecast are a get() away (and may be large). */
function streamPayload(approval: ApprovalView): Record<string, unknown> {
  const { action: _action, forecast: _forecast, ...rest } = approval;
  return rest;
}

export function toApprovalView(row: ApprovalRow): ApprovalView {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    action: row.action,
    actionHash: row.action_hash,
    tool: typeof row.action.tool === 'string' ? row.action.tool : '',
    verdictId: row.verdict_id,
    workflowRunId: row.workflow_run_id,
    actionId: row.action_id,
    requestedBy: row.requested_by,
    requiredRole: row.required_role,
    summary: row.summary,
    forecast: row.forecast,
    status: row.status,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    decidedAt: isoTime(row.decided_at),
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}
