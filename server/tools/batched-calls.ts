import { performance } from 'node:perf_hooks';
import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { insertVerdictsAndSettledActions, type SettledAction } from '../../db/queries/actions.js';
import type { AuditInput } from '../../engine/governance/audit/index.js';
import type { Action } from '../../engine/governance/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import { requestHash, type ToolCall, type ToolCallResult } from '../../engine/tools/index.js';
import { gateFor } from '../../engine/workflows/autonomy.js';
import type { AuditWriter } from '../governance/audit-writer.js';
import type { GovernorService, Judgement } from '../governance/governor-service.js';
import { newActionRow } from './action-results.js';
import { inputRecord, judgedAction } from './judged-action.js';
import { runWithTimeout } from './run-with-timeout.js';
import { ToolOutputError } from './tool-errors.js';
import type { ToolImplementation, ToolServices } from './tool-implementation.js';
import { permissionProblem } from './tool-permissions.js';
import type { ToolRegistry } from './tool-registry.js';

/** A call judged and cleared to run inside a transaction shared with other calls. */
export type BatchedCall = Readonly<{ call: ToolCall; tool: ToolImplementation; input: unknown; hash: string; judged: Action; judgement: Judgement }>;

/** A call in the batch lost its key to another caller: the batch rolls back and each call goes one at a time. */
export class BatchKeyTakenError extends Error {
  constructor(readonly keys: readonly string[]) {
    super(`idempotency keys already taken: ${keys.join(', ')}`);
  }
}

export type BatchedCallsDeps = Readonly<{
  pool: DatabasePool;
  governor: Pick<GovernorService, 'judge'>;
  audit: AuditWriter;
  clock: Clock;
  registry: ToolRegistry;
  services: ToolServices;
}>;

/**
 * The router's path for the workflow runtime's step batches: many calls, each with its
 * verdict, its action row, its tool's writes and its audit entries, in the one transaction
 * that also journals the steps. Only the plain case qualifies (an allowed execute of a
 * transactional tool with no live-state checks); anything else — a refusal, a gate, a
 * repeat, a failure — goes through `call`, which records and audits it one at a time.
 */
export function createBatchedCalls(deps: BatchedCallsDeps) {
  const { pool, governor, audit: auditWriter, clock, registry, services } = deps;

  /** The call judged, or null when it must take the one-at-a-time path. Writes nothing. */
  async function prepare(call: ToolCall): Promise<BatchedCall | null> {
    const tool = registry.lookup(call.tool);
    if (call.mode !== 'execute' || !tool || tool.spec.idempotency !== 'transactional' || tool.precondition || tool.facts) return null;
    if ((await permissionProblem(pool, call.orgUnitId, call.actor, tool.spec)) !== undefined) return null;
    const parsed = tool.spec.input.safeParse(call.input);
    if (!parsed.success) return null;
    const input = parsed.data;
    const asCalled: Action = { orgUnitId: call.orgUnitId, actor: call.actor, tool: call.tool, input: inputRecord(input), context: call.context ?? {}, autonomous: call.actor.kind !== 'user' };
    const hash = requestHash(asCalled, call.mode);
    const judged = judgedAction(asCalled, {});
    const judgement = await governor.judge(judged);
    // A fail-closed verdict opens an incident, which only the recorded path does.
    if (judgement.verdict.failClosed) return null;
    const gate = gateFor({ level: call.workflow?.autonomy, effect: tool.spec.effect, risk: tool.spec.risk, verdict: judgement.verdict.outcome });
    return gate.gate === 'execute' ? { call, tool, input, hash, judged, judgement } : null;
  }

  /**
   * Runs the calls in `tx` and answers each one's result. Throws when a tool fails or a key
   * was taken meanwhile: the caller rolls the transaction back, so nothing of the batch
   * happened, and sends each call through the one-at-a-time path.
   */
  async function execute(tx: DatabaseTransactionConnection, calls: readonly BatchedCall[]): Promise<readonly ToolCallResult[]> {
    if (calls.length === 0) return [];
    const rows: SettledAction[] = [];
    for (const { call, tool, input, hash, judged, judgement } of calls) {
      const { spec } = tool;
      const started = performance.now();
      const output = await runWithTimeout(spec.name, spec.timeoutMs, (signal) =>
        tool.execute({ db: tx, orgUnitId: call.orgUnitId, clock, services, actor: call.actor, idempotencyKey: call.idempotencyKey, signal }, input),
      );
      const checked = spec.output.safeParse(output);
      if (!checked.success) throw new ToolOutputError(spec.name, checked.error.issues.map((issue) => issue.path.join('.') || '(output)'));
      const fields = { status: 'succeeded' as const, verdictId: judgement.verdict.id, outputJson: JSON.stringify(checked.data ?? null), errorJson: null, costMinor: spec.cost(input) };
      rows.push({ ...newActionRow(call, input, hash, judged.context, new Date(clock.now()), fields), attempts: 1, latencyMs: performance.now() - started });
    }
    // The verdicts go in with their actions, after the tools ran: one statement, not two.
    const claimed = new Map((await insertVerdictsAndSettledActions(tx, calls.map(({ judgement }) => judgement.row), rows)).map((row) => [row.idempotencyKey, row.id]));
    const taken = rows.filter((row) => !claimed.has(row.idempotencyKey)).map((row) => row.idempotencyKey);
    if (taken.length > 0) throw new BatchKeyTakenError(taken);

    return calls.map(({ judgement }, index) => {
      const row = rows[index] as SettledAction;
      // The output as the row reads back, so a repeat of the key answers exactly the same.
      const output = JSON.parse(row.outputJson ?? 'null') as unknown;
      return { status: 'succeeded', actionId: claimed.get(row.idempotencyKey) as string, verdictId: judgement.verdict.id, output, duplicate: false, latencyMs: Math.round(row.latencyMs), costMinor: row.costMinor };
    });
  }

  /**
   * The batch's audit entries (each call's verdict, then its action), in `tx`. Call it last
   * before commit: it takes the chain's head lock, which every writer of the org unit's
   * chain waits on until this transaction ends.
   */
  async function audit(tx: DatabaseTransactionConnection, calls: readonly BatchedCall[], results: readonly ToolCallResult[]): Promise<void> {
    const entries = new Map<string, AuditInput[]>();
    calls.forEach(({ call, judgement }, index) => {
      const result = results[index];
      if (result?.status !== 'succeeded') return;
      const data = { tool: call.tool, actionId: result.actionId, verdictId: result.verdictId, status: result.status, duplicate: false, latencyMs: result.latencyMs, costMinor: result.costMinor, mode: call.mode, gate: 'execute' };
      const chain = entries.get(call.orgUnitId) ?? [];
      chain.push(judgement.audit, { kind: 'action', actor: call.actor.id, data });
      entries.set(call.orgUnitId, chain);
    });
    for (const [orgUnitId, inputs] of entries) await auditWriter.appendInTransaction(tx, orgUnitId, inputs);
  }

  return { prepare, execute, audit };
}
