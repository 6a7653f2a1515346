import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { CommonQueryMethods, DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { findAction, findActionByKey, insertAction, lockAction, updateActionOutcome, type ActionRow, type NewAction } from '../../db/queries/actions.js';
import { findApproval } from '../../db/queries/approvals.js';
import type { Action, Actor } from '../../engine/governance/index.js';
import type { Clock, Random } from '../../engine/kernel/index.js';
import { backoffDelayMs, mayRetry, requestHash, type ToolCall, type ToolCallResult } from '../../engine/tools/index.js';
import { gateFor, type GateDecision } from '../../engine/workflows/autonomy.js';
import { AppError, forbidden, notFound, validationFailed } from '../errors/catalog.js';
import type { AuditWriter } from '../governance/audit-writer.js';
import { systemActor } from '../governance/governance-deps.js';
import type { GovernanceServices } from '../governance/governance-services.js';
import type { RecordedVerdict } from '../governance/governor-service.js';
import type { OpenIncidentInput } from '../governance/incident-service.js';
import { errorJson, isRecord, newActionRow, resultFromRow, type ClaimFields } from './action-results.js';
import { createBatchedCalls } from './batched-calls.js';
import { createDetached } from './detached.js';
import { runWithTimeout } from './run-with-timeout.js';
import { inputRecord, judgedAction } from './judged-action.js';
import { classifyFailure, ToolOutputError, type ToolFailure } from './tool-errors.js';
import type { CallOptions, ToolImplementation, ToolReadContext, ToolRouter, ToolServices } from './tool-implementation.js';
import { permissionProblem } from './tool-permissions.js';
import type { ToolRegistry } from './tool-registry.js';

export type ToolRouterDeps = Readonly<{
  pool: DatabasePool;
  governance: Pick<GovernanceServices, 'governor' | 'approvals' | 'incidents'>;
  audit: AuditWriter;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  registry: ToolRegistry;
  services: ToolServices;
  /** Jitter for retry backoff. */
  random: Random;
  /** Waits between attempts; a timer unless given (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** How long an approval the router requests stays open (default 24 hours). */
  approvalExpiresInMs?: number;
}>;

const defaultApprovalMs = 24 * 3_600_000;
const maxNote = 2000;
const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The only way a side effect happens (DESIGN §4). Refusals before the key is claimed
 * (unknown tool, permission, schema, precondition) write no action row, so the same key can
 * be used again once the call is fixed; from the verdict on, the row claims the key and every
 * repeat answers from it. The unique index on (org unit, key) decides which of concurrent
 * callers owns a key: the others answer with its outcome, so a key executes at most once.
 */
export function createToolRouter(deps: ToolRouterDeps): ToolRouter {
  const { pool, governance, audit, clock, logger, registry, services, random } = deps;
  const sleep = deps.sleep ?? timerSleep;
  const approvalExpiresInMs = deps.approvalExpiresInMs ?? defaultApprovalMs;
  const now = () => new Date(clock.now());
  const detached = createDetached();
  const batched = createBatchedCalls({ pool, governor: governance.governor, audit, clock, registry, services });

  /** Every call ends here: one audit entry saying how it ended. */
  async function finish(
    started: number,
    orgUnitId: string,
    actor: Actor,
    tool: string,
    result: ToolCallResult,
    extra: Readonly<Record<string, unknown>> = {},
  ): Promise<ToolCallResult> {
    const latencyMs = Math.round(performance.now() - started);
    const data: Record<string, unknown> = { ...extra, tool, actionId: result.actionId, verdictId: result.verdictId, status: result.status, duplicate: result.duplicate, latencyMs };
    if (result.status === 'denied' || result.status === 'failed') data.code = result.code;
    if (result.status === 'succeeded') data.costMinor = result.costMinor;
    try {
      await detached(() => audit.append(orgUnitId, { kind: 'action', actor: actor.id, data }));
    } catch (error) {
      // The outcome is already on the action row; failing the call now would misreport it.
      logger.error({ err: error, orgUnitId, tool, actionId: result.actionId }, 'tools: the audit entry for a call could not be written');
    }
    return result;
  }

  const refused = (code: string, message: string, actionId: string | null = null, verdictId: string | null = null): ToolCallResult => ({
    status: 'denied',
    actionId,
    verdictId,
    code,
    message,
    duplicate: false,
  });

  /** A key seen before: the first call's outcome if this is the same call, a conflict if not. */
  function answerRepeat(row: ActionRow, hash: string): ToolCallResult {
    if (row.action_hash !== hash) {
      return refused('IDEMPOTENCY_CONFLICT', `idempotency key ${row.idempotency_key} was already used for a different call (action ${row.id}, ${row.tool})`);
    }
    return resultFromRow(row, true);
  }

  function readContext(db: CommonQueryMethods, orgUnitId: string): ToolReadContext {
    return { db, orgUnitId, clock, services };
  }

  /**
   * Runs a claimed (`running`) action to its outcome. Without a caller's transaction it
   * retries transient failures with backoff and opens an incident when they run out; inside
   * one it tries once and hands the failure back, because the caller owns retries.
   */
  /** No live attempt can still be running: every attempt, its timeout and the longest backoffs have passed. */
  function abandoned(row: ActionRow, spec: ToolImplementation['spec']): boolean {
    const attempts = Math.max(1, spec.retry.maxAttempts);
    const budgetMs = attempts * spec.timeoutMs + (attempts - 1) * spec.retry.maxDelayMs;
    return clock.now() - row.created_at.getTime() > budgetMs;
  }

  async function execute(
    row: ActionRow,
    tool: ToolImplementation,
    input: unknown,
    actor: Actor,
    options: CallOptions,
    /** An attempt already made (and rolled back) before the row was recorded. */
    prior?: ToolFailure,
  ): Promise<ToolCallResult> {
    const { spec } = tool;
    const db = options.db ?? pool;
    const started = performance.now();
    const costMinor = spec.cost(input);
    const maxAttempts = options.db ? 1 : Math.max(1, spec.retry.maxAttempts);
    let failure: ToolFailure = prior ?? { code: 'TOOL_FAILED', message: 'not attempted', transient: false };
    let attempt = prior ? 1 : 0;
    if (prior && prior.transient && mayRetry({ ...spec.retry, maxAttempts }, attempt)) await sleep(backoffDelayMs(spec.retry, attempt, random));
    while (attempt < maxAttempts && (!prior || failure.transient)) {
      attempt += 1;
      try {
        const settled = await attemptOnce(row, tool, input, actor, options, { attempt, started, costMinor });
        return resultFromRow(settled.row, !settled.executed);
      } catch (error) {
        failure = classifyFailure(error);
        logger.warn({ err: error, tool: spec.name, actionId: row.id, attempt, transient: failure.transient }, 'tools: an attempt failed');
        if (!failure.transient || !mayRetry({ ...spec.retry, maxAttempts }, attempt)) break;
        await sleep(backoffDelayMs(spec.retry, attempt, random));
      }
    }
    const failed = await updateActionOutcome(db, {
      orgUnitId: row.org_unit_id,
      id: row.id,
      from: ['running'],
      outcome: {
        status: 'failed',
        outputJson: null,
        errorJson: errorJson(failure.code, failure.message, { transient: failure.transient }),
        attempts: attempt,
        latencyMs: performance.now() - started,
        costMinor,
        completedAt: now(),
      },
    });
    if (!options.db && failure.transient) await openRetriesExhausted(row, failure, attempt);
    if (!failed) return resultFromRow((await findAction(db, { orgUnitId: row.org_unit_id, id: row.id })) ?? row, false);
    return resultFromRow(failed, false);
  }

  /**
   * One attempt. A transactional tool runs inside a transaction (a savepoint in the caller's)
   * that also marks the row succeeded, so its writes and its outcome commit together or not
   * at all. A keyed tool reaches services that open their own transactions; holding one
   * around it would pin a second connection, which on the embedded one-connection pool waits
   * forever. Its key makes a repeat after a crash harmless, so the row is updated after it.
   * A transactional attempt first locks the row and runs only if it is still `running`:
   * when a repeat after a crash runs the action again (see `call`), one attempt commits.
   */
  async function attemptOnce(
    row: ActionRow,
    tool: ToolImplementation,
    input: unknown,
    actor: Actor,
    options: CallOptions,
    progress: Readonly<{ attempt: number; started: number; costMinor: number }>,
    /** The row was inserted by this very transaction: nobody else can hold it, and a failure rolls back all. */
    ownRow = false,
  ): Promise<{ row: ActionRow; executed: boolean }> {
    const { spec } = tool;
    const run = async (db: DatabaseTransactionConnection): Promise<{ row: ActionRow; executed: boolean }> => {
      if (spec.idempotency === 'transactional' && !ownRow) {
        const current = await lockAction(db, { orgUnitId: row.org_unit_id, id: row.id });
        if (current?.status !== 'running') return { row: current ?? row, executed: false };
      }
      const output = await runWithTimeout(spec.name, spec.timeoutMs, (signal) =>
        tool.execute({ ...readContext(db, row.org_unit_id), db, actor, idempotencyKey: row.idempotency_key, signal }, input),
      );
      const checked = spec.output.safeParse(output);
      if (!checked.success) throw new ToolOutputError(spec.name, checked.error.issues.map((issue) => issue.path.join('.') || '(output)'));
      const settled = await updateActionOutcome(db, {
        orgUnitId: row.org_unit_id,
        id: row.id,
        from: ['running'],
        outcome: {
          status: 'succeeded',
          outputJson: JSON.stringify(checked.data ?? null),
          errorJson: null,
          attempts: progress.attempt,
          latencyMs: performance.now() - progress.started,
          costMinor: progress.costMinor,
          completedAt: now(),
        },
      });
      if (!settled) throw new AppError('CONFLICT', `action ${row.id} was settled by someone else while it ran`);
      return { row: settled, executed: true };
    };
    if (spec.idempotency === 'keyed') return options.db ? detached(() => run(options.db ?? pool)) : run(pool);
    if (ownRow && options.db) return run(options.db);
    return options.db ? options.db.transaction(run) : pool.transaction(run);
  }

  async function openRetriesExhausted(row: ActionRow, failure: ToolFailure, attempts: number): Promise<void> {
    try {
      const incident: OpenIncidentInput = {
        orgUnitId: row.org_unit_id,
        severity: 'high',
        source: row.workflow_run_id ? 'workflow' : 'system',
        title: `${row.tool} failed after ${attempts} attempts`.slice(0, 500),
        description: `action ${row.id} (key ${row.idempotency_key}): ${failure.code}: ${failure.message}`.slice(0, 10_000),
        links: row.workflow_run_id ? [{ kind: 'workflow_run', id: row.workflow_run_id }] : [],
      };
      await detached(() => governance.incidents.open(incident, systemActor));
    } catch (error) {
      logger.error({ err: error, actionId: row.id }, 'tools: could not open the incident for exhausted retries');
    }
  }

  /** The row that claims the key, born in the state the gate calls for. */
  function newRow(call: ToolCall, input: unknown, hash: string, context: Readonly<Record<string, unknown>>, fields: ClaimFields): NewAction {
    return newActionRow(call, input, hash, context, now(), fields);
  }

  async function previewOutput(tool: ToolImplementation, call: ToolCall, input: unknown, decision: GateDecision, db: CommonQueryMethods): Promise<Record<string, unknown>> {
    const base = { gate: decision.gate, reason: decision.reason, costMinor: tool.spec.cost(input) };
    if (call.mode !== 'simulate') return base;
    const simulated = tool.simulate ? await tool.simulate(readContext(db, call.orgUnitId), input) : { description: `${tool.spec.name} would run with this input`, input };
    return { ...base, simulation: simulated };
  }

  /** Another call claimed the key first (the insert did nothing): answer with its outcome. */
  async function answerWinner(db: CommonQueryMethods, call: ToolCall, hash: string): Promise<ToolCallResult> {
    const winner = await findActionByKey(db, { orgUnitId: call.orgUnitId, idempotencyKey: call.idempotencyKey });
    if (!winner) throw new AppError('CONFLICT', `idempotency key ${call.idempotencyKey} is taken but its action cannot be read`);
    return answerRepeat(winner, hash);
  }

  async function settleAfterVerdict(
    call: ToolCall,
    tool: ToolImplementation,
    input: unknown,
    hash: string,
    judged: Action,
    verdict: RecordedVerdict,
    decision: GateDecision,
    options: CallOptions,
  ): Promise<ToolCallResult> {
    const db = options.db ?? pool;
    const claim = async (fields: ClaimFields): Promise<ActionRow | ToolCallResult> => {
      const row = await insertAction(db, newRow(call, input, hash, judged.context, fields));
      return row ?? answerWinner(db, call, hash);
    };
    const base = { verdictId: verdict.id, outputJson: null, errorJson: null, costMinor: 0 };

    if (decision.gate === 'deny') {
      const message = `governance denied ${call.tool} (verdict ${verdict.id}): ${verdictReasons(verdict)}`;
      const row = await claim({ ...base, status: 'denied', errorJson: errorJson('GOV_DENIED', message, { failClosed: verdict.failClosed }) });
      return isResult(row) ? row : resultFromRow(row, false);
    }
    if (call.mode !== 'execute') {
      const output = await previewOutput(tool, call, input, decision, db);
      const row = await claim({ ...base, status: 'succeeded', outputJson: JSON.stringify(output) });
      return isResult(row) ? row : resultFromRow(row, false);
    }
    if (decision.gate === 'draft') {
      const row = await claim({ ...base, status: 'draft' });
      return isResult(row) ? row : resultFromRow(row, false);
    }
    if (decision.gate === 'await_approval') {
      // Pending until the approval exists, so a concurrent repeat answers "in progress", never a missing approval id.
      const row = await claim({ ...base, status: 'pending' });
      if (isResult(row)) return row;
      return requestApproval(row, judged, verdict, decision, options);
    }
    let prior: ToolFailure | undefined;
    if (tool.spec.idempotency === 'transactional' && !options.db) {
      const first = await executeInOneTransaction(call, tool, input, hash, judged, base);
      if ('status' in first) return first;
      prior = first;
    }
    const row = await claim({ ...base, status: 'running' });
    if (isResult(row)) return row;
    return execute(row, tool, input, call.actor, options, prior);
  }

  /**
   * The common case in one commit: the action row, the tool's writes and the outcome. When
   * the attempt fails it all rolls back and its failure sends the call down the recorded
   * path, which writes the running row first, retries what is left of the policy, and
   * records the failure.
   */
  async function executeInOneTransaction(
    call: ToolCall,
    tool: ToolImplementation,
    input: unknown,
    hash: string,
    judged: Action,
    base: Readonly<{ verdictId: string; outputJson: null; errorJson: null; costMinor: number }>,
  ): Promise<ToolCallResult | ToolFailure> {
    const started = performance.now();
    try {
      return await pool.transaction(async (tx) => {
        const row = await insertAction(tx, newRow(call, input, hash, judged.context, { ...base, status: 'running' }));
        if (!row) return answerWinner(tx, call, hash);
        const settled = await attemptOnce(row, tool, input, call.actor, { db: tx }, { attempt: 1, started, costMinor: tool.spec.cost(input) }, true);
        return resultFromRow(settled.row, !settled.executed);
      });
    } catch (error) {
      const failure = classifyFailure(error);
      logger.warn({ err: error, tool: call.tool, attempt: 1, transient: failure.transient }, 'tools: an attempt failed');
      return failure;
    }
  }

  async function requestApproval(row: ActionRow, judged: Action, verdict: RecordedVerdict, decision: GateDecision, options: CallOptions): Promise<ToolCallResult> {
    // An autonomy gate waits on an allow verdict; the approval service only takes require_approval
    // ones, so the verdict it binds to says why a person is asked.
    const binding: RecordedVerdict = verdict.outcome === 'require_approval' ? verdict : { ...verdict, outcome: 'require_approval' };
    const db = options.db ?? pool;
    try {
      const approval = await detached(() =>
        governance.approvals.request(judged, binding, {
          expiresInMs: approvalExpiresInMs,
          // The approval row references the action row, which a caller's transaction has not
          // committed yet (another connection's insert would wait on it for ever); the link
          // then lives on the action row alone.
          actionId: options.db ? undefined : row.id,
          workflowRunId: row.workflow_run_id ?? undefined,
          summary: verdict.outcome === 'require_approval' ? undefined : `${row.tool}: ${decision.reason}`,
        }),
      );
      const waiting = await updateActionOutcome(db, {
        orgUnitId: row.org_unit_id,
        id: row.id,
        from: ['pending'],
        outcome: { status: 'awaiting_approval', outputJson: JSON.stringify({ approvalId: approval.id }), errorJson: null, completedAt: null },
      });
      if (!waiting) throw new AppError('CONFLICT', `action ${row.id} changed while its approval was requested`);
      return resultFromRow(waiting, false);
    } catch (error) {
      const failure = classifyFailure(error);
      const failed = await updateActionOutcome(db, {
        orgUnitId: row.org_unit_id,
        id: row.id,
        from: ['pending'],
        outcome: { status: 'failed', outputJson: null, errorJson: errorJson(failure.code, `the approval could not be requested: ${failure.message}`, { transient: failure.transient }), completedAt: now() },
      });
      return failed ? resultFromRow(failed, false) : refused(failure.code, failure.message, row.id, verdict.id);
    }
  }

  async function settleDraft(orgUnitId: string, actionId: string, by: Actor, text: string, to: 'succeeded' | 'discarded'): Promise<ToolCallResult> {
    const started = performance.now();
    if (by.kind !== 'user' || !['founder', 'operator'].includes(by.role)) throw forbidden(`a ${by.role} cannot settle a draft; a founder or an operator does`);
    const trimmed = text.trim();
    const field = to === 'succeeded' ? 'note' : 'reason';
    if (trimmed.length === 0 || trimmed.length > maxNote) throw validationFailed([{ path: field, message: `must be 1 to ${maxNote} characters` }]);
    const settled = await updateActionOutcome(pool, {
      orgUnitId,
      id: actionId,
      from: ['draft'],
      outcome:
        to === 'succeeded'
          ? { status: 'succeeded', outputJson: JSON.stringify({ completedBy: by.id, note: trimmed }), errorJson: null, completedAt: now() }
          : { status: 'discarded', outputJson: null, errorJson: errorJson('DRAFT_DISCARDED', trimmed, { discardedBy: by.id }), completedAt: now() },
    });
    if (settled) return finish(started, orgUnitId, by, settled.tool, resultFromRow(settled, false), { draft: to });
    const row = await findAction(pool, { orgUnitId, id: actionId });
    if (!row) throw notFound(`action ${actionId}`);
    const sameWay = to === 'succeeded' ? row.status === 'succeeded' && isRecord(row.output) && 'completedBy' in row.output : row.status === 'discarded';
    if (sameWay) return finish(started, orgUnitId, by, row.tool, resultFromRow(row, true), { draft: to });
    throw new AppError('ACTION_NOT_DRAFT', `action ${actionId} is ${row.status}, not a draft; it cannot be ${to === 'succeeded' ? 'completed' : 'discarded'}`, { status: row.status });
  }

  return {
    async call(call, options = {}) {
      const started = performance.now();
      const db = options.db ?? pool;
      const { orgUnitId, actor } = call;
      const tool = registry.lookup(call.tool);
      if (!tool) return finish(started, orgUnitId, actor, call.tool, refused('TOOL_UNKNOWN', `no tool named ${call.tool} is registered`));
      const forbiddenWhy = await permissionProblem(db, orgUnitId, actor, tool.spec);
      if (forbiddenWhy) return finish(started, orgUnitId, actor, call.tool, refused('TOOL_FORBIDDEN', forbiddenWhy));
      const parsed = tool.spec.input.safeParse(call.input);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
        return finish(started, orgUnitId, actor, call.tool, refused('VALIDATION_FAILED', `${call.tool} input is not valid: ${problems.join('; ')}`));
      }
      const input = parsed.data;
      const asCalled: Action = { orgUnitId, actor, tool: call.tool, input: inputRecord(input), context: call.context ?? {}, autonomous: actor.kind !== 'user' };
      const hash = requestHash(asCalled, call.mode);
      const seen = await findActionByKey(db, { orgUnitId, idempotencyKey: call.idempotencyKey });
      // A transactional action left `running` was claimed by a call whose process died before
      // the tool's transaction committed (nothing of it survived), or is being run right now.
      // Either way the same call runs it: each attempt locks the row and runs only while it is
      // still `running`, so of a dead claim, a live one and any repeats exactly one commits.
      // Answering TOOL_IN_PROGRESS instead would leave a dead process's claim unsettled for ever.
      if (seen?.status === 'running' && seen.action_hash === hash && tool.spec.idempotency === 'transactional') {
        return finish(started, orgUnitId, actor, call.tool, await execute(seen, tool, input, actor, options), { mode: call.mode, resumed: true });
      }
      // A keyed action left `running` past its whole time budget was abandoned by a dead
      // process; the key makes running it again harmless (the ledger answers the first result).
      if (seen?.status === 'running' && seen.action_hash === hash && tool.spec.idempotency === 'keyed' && abandoned(seen, tool.spec)) {
        return finish(started, orgUnitId, actor, call.tool, await execute(seen, tool, input, actor, options), { mode: call.mode, resumed: true });
      }
      if (seen) return finish(started, orgUnitId, actor, call.tool, answerRepeat(seen, hash));

      const read = readContext(db, orgUnitId);
      const problem = tool.precondition ? await tool.precondition(read, input) : undefined;
      if (problem !== undefined) return finish(started, orgUnitId, actor, call.tool, refused('PRECONDITION_FAILED', `${call.tool} cannot run now: ${problem}`));
      const facts = tool.facts ? await tool.facts(read, input) : {};
      const judged = judgedAction(asCalled, facts);
      const verdict = await detached(() => governance.governor.evaluate(judged));
      const decision = gateFor({ level: call.workflow?.autonomy, effect: tool.spec.effect, risk: tool.spec.risk, verdict: verdict.outcome });
      const result = await settleAfterVerdict(call, tool, input, hash, judged, verdict, decision, options);
      return finish(started, orgUnitId, actor, call.tool, result, { mode: call.mode, gate: decision.gate });
    },

    async resumeApproved(orgUnitId, actionId, options = {}) {
      const started = performance.now();
      const db = options.db ?? pool;
      const row = await findAction(db, { orgUnitId, id: actionId });
      if (!row) throw notFound(`action ${actionId}`);
      const actor = actorOf(row);
      if (row.status !== 'awaiting_approval') return finish(started, orgUnitId, actor, row.tool, resultFromRow(row, true), { resumed: true });
      const approvalId = isRecord(row.output) && typeof row.output.approvalId === 'string' ? row.output.approvalId : undefined;
      const approval = approvalId === undefined ? null : await findApproval(db, { orgUnitId, id: approvalId });
      if (!approval) throw new AppError('CONFLICT', `action ${actionId} awaits an approval that does not exist`);
      const lapsed = approval.status === 'pending' && approval.expires_at.getTime() <= clock.now();
      if (approval.status === 'pending' && !lapsed) return finish(started, orgUnitId, actor, row.tool, resultFromRow(row, false), { resumed: true });
      if (approval.status !== 'approved') {
        const code = approval.status === 'rejected' ? 'APPROVAL_REJECTED' : approval.status === 'void' ? 'APPROVAL_VOID' : 'APPROVAL_EXPIRED';
        const why = approval.status === 'rejected' ? `rejected by ${approval.decided_by ?? 'someone'}: ${approval.decision_reason ?? ''}` : lapsed ? 'expired' : approval.status;
        return finish(started, orgUnitId, actor, row.tool, await settleRow(db, row, 'denied', errorJson(code, `approval ${approval.id} was ${why}`)), { resumed: true, approvalId: approval.id });
      }
      return finish(started, orgUnitId, actor, row.tool, await runApproved(row, actor, options), { resumed: true, approvalId: approval.id });
    },

    prepareBatched: batched.prepare,
    executeBatched: batched.execute,
    auditBatched: batched.audit,
    completeDraft: (orgUnitId, actionId, by, note) => settleDraft(orgUnitId, actionId, by, note, 'succeeded'),
    discardDraft: (orgUnitId, actionId, by, reason) => settleDraft(orgUnitId, actionId, by, reason, 'discarded'),
    specs: () => registry.specs(),
  };

  /**
   * An approved action runs once, if it still may: live state may have moved while the
   * approval waited (its precondition is asked again), and the approval answers a
   * require_approval but not a deny given since (an engaged kill switch, a new policy).
   * The conditional move to `running` makes one of concurrent resumes the one that runs it.
   */
  async function runApproved(row: ActionRow, actor: Actor, options: CallOptions): Promise<ToolCallResult> {
    const db = options.db ?? pool;
    const orgUnitId = row.org_unit_id;
    const tool = registry.lookup(row.tool);
    const parsed = tool?.spec.input.safeParse(row.input);
    if (!tool || !parsed?.success) {
      const why = tool ? `the stored input no longer fits ${row.tool}` : `no tool named ${row.tool} is registered`;
      return settleRow(db, row, 'failed', errorJson(tool ? 'VALIDATION_FAILED' : 'TOOL_UNKNOWN', why, { transient: false }));
    }
    const input = parsed.data;
    const read = readContext(db, orgUnitId);
    const problem = tool.precondition ? await tool.precondition(read, input) : undefined;
    if (problem !== undefined) return settleRow(db, row, 'denied', errorJson('PRECONDITION_FAILED', `${row.tool} cannot run now: ${problem}`));
    const facts = tool.facts ? await tool.facts(read, input) : {};
    const judged = judgedAction({ orgUnitId, actor, tool: row.tool, input: inputRecord(input), context: row.context, autonomous: actor.kind !== 'user' }, facts);
    const verdict = await detached(() => governance.governor.evaluate(judged));
    if (verdict.outcome === 'deny') {
      return settleRow(db, row, 'denied', errorJson('GOV_DENIED', `governance denied ${row.tool} when it was resumed (verdict ${verdict.id}): ${verdictReasons(verdict)}`));
    }
    const claimed = await updateActionOutcome(db, { orgUnitId, id: row.id, from: ['awaiting_approval'], outcome: { status: 'running', outputJson: null, errorJson: null, completedAt: null } });
    if (!claimed) return resultFromRow((await findAction(db, { orgUnitId, id: row.id })) ?? row, true);
    return execute(claimed, tool, input, actor, options);
  }

  /** Ends an action that will not run: one still awaiting its approval. */
  async function settleRow(db: CommonQueryMethods, row: ActionRow, status: 'denied' | 'failed', error: string): Promise<ToolCallResult> {
    const settled = await updateActionOutcome(db, { orgUnitId: row.org_unit_id, id: row.id, from: ['awaiting_approval'], outcome: { status, outputJson: null, errorJson: error, completedAt: now() } });
    if (settled) return resultFromRow(settled, false);
    return resultFromRow((await findAction(db, { orgUnitId: row.org_unit_id, id: row.id })) ?? row, true);
  }
}

const isResult = (value: ActionRow | ToolCallResult): value is ToolCallResult => 'status' in value && 'duplicate' in value;

function verdictReasons(verdict: RecordedVerdict): string {
  const reasons = [
    ...verdict.invariants.map((refusal) => `${refusal.name}: ${refusal.message}`),
    ...verdict.matched.filter((match) => match.effect === 'deny').map((match) => `${match.policy} v${match.version}: ${match.message}`),
    ...verdict.failures.map((failure) => `${failure.policy} v${failure.version} failed closed (${failure.code}): ${failure.reason}`),
  ];
  return reasons.join('; ') || 'no reason recorded';
}

/** The actor a stored action was proposed by; its kind follows from the role, as principals' does. */
function actorOf(row: ActionRow): Actor {
  const kind = row.actor_role === 'system' ? 'system' : row.actor_role === 'agent' ? 'agent' : 'user';
  return { id: row.actor, kind, role: row.actor_role };
}

