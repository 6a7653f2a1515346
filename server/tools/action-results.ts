import type { ActionRow, ActionStatus, NewAction } from '../../db/queries/actions.js';
import type { ToolCall, ToolCallResult } from '../../engine/tools/index.js';

/**
 * Reads a recorded action back as the result its call returned, which is what a repeat of
 * the same idempotency key answers. A row still running answers `failed` with TOOL_IN_PROGRESS
 * and `transient`: the caller asks again later (with the same key) and gets the real outcome.
 */
export function resultFromRow(row: ActionRow, duplicate: boolean): ToolCallResult {
  const verdictId = row.verdict_id;
  const error = row.error ?? {};
  const code = typeof error.code === 'string' ? error.code : 'TOOL_FAILED';
  const message = typeof error.message === 'string' ? error.message : `action ${row.id} is ${row.status}`;
  switch (row.status) {
    case 'succeeded':
      if (row.mode !== 'execute') {
        const gate = isRecord(row.output) && typeof row.output.gate === 'string' ? row.output.gate : 'execute';
        return { status: row.mode === 'dry_run' ? 'dry_run' : 'simulated', actionId: row.id, verdictId: verdictId ?? '', gate, output: row.output, duplicate };
      }
      return { status: 'succeeded', actionId: row.id, verdictId, output: row.output, duplicate, latencyMs: row.latency_ms ?? 0, costMinor: row.cost_minor };
    case 'awaiting_approval': {
      // The router keeps the approval's id in `output` while the action waits on it.
      const approvalId = isRecord(row.output) && typeof row.output.approvalId === 'string' ? row.output.approvalId : '';
      return { status: 'awaiting_approval', actionId: row.id, verdictId: verdictId ?? '', approvalId, duplicate };
    }
    case 'draft':
      return { status: 'draft', actionId: row.id, verdictId: verdictId ?? '', duplicate };
    case 'denied':
    case 'discarded':
      return { status: 'denied', actionId: row.id, verdictId, code, message, duplicate };
    case 'failed':
      return { status: 'failed', actionId: row.id, verdictId, code, message, transient: error.transient === true, attempts: row.attempts, duplicate };
    case 'pending':
    case 'running':
      return {
        status: 'failed',
        actionId: row.id,
        verdictId,
        code: 'TOOL_IN_PROGRESS',
        message: `action ${row.id} with this idempotency key is still ${row.status}; ask again for its outcome`,
        transient: true,
        attempts: row.attempts,
        duplicate,
      };
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The error column's shape: what `resultFromRow` reads back. */
export const errorJson = (code: string, message: string, extra: Readonly<Record<string, unknown>> = {}): string => JSON.stringify({ ...extra, code, message });

/** What a claiming row is born with besides the call itself. */
export type ClaimFields = Pick<NewAction, 'status' | 'verdictId' | 'outputJson' | 'errorJson' | 'costMinor'>;

/** The row that claims a call's key, born in the state the gate calls for (settled ones carry their completion time). */
export function newActionRow(call: ToolCall, input: unknown, hash: string, context: Readonly<Record<string, unknown>>, at: Date, fields: ClaimFields): NewAction {
  const settled: readonly ActionStatus[] = ['succeeded', 'denied'];
  return {
    orgUnitId: call.orgUnitId,
    actor: call.actor.id,
    actorRole: call.actor.role,
    tool: call.tool,
    mode: call.mode,
    inputJson: JSON.stringify(input ?? null),
    contextJson: JSON.stringify(context),
    actionHash: hash,
    idempotencyKey: call.idempotencyKey,
    workflowRunId: call.workflow?.runId ?? null,
    step: call.workflow?.step ?? null,
    at,
    completedAt: settled.includes(fields.status) ? at : null,
    ...fields,
  };
}
