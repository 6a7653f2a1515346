import type { ToolCallResult } from '../../engine/tools/index.js';
import { AppError, errorCatalog, type ErrorCode } from '../errors/catalog.js';

/** A write's answer on the API: how the tool call ended, around its result (see `writeOutcomeDto`). */
export type WriteOutcome<Result> =
  | Readonly<{ status: 'succeeded'; actionId: string; verdictId: string | null; duplicate: boolean; result: Result }>
  | Readonly<{ status: 'dry_run' | 'simulated'; actionId: string; verdictId: string; duplicate: boolean; gate: string; preview: unknown }>
  | Readonly<{ status: 'awaiting_approval' | 'draft'; actionId: string; verdictId: string; duplicate: boolean; approvalId: string | null }>;

const isCatalogued = (code: string): code is ErrorCode => Object.hasOwn(errorCatalog, code);

/**
 * Turns a tool call's result into the API's answer. Successes, previews and waits are
 * answers; refusals and failures are thrown as the tool's own code (GOV_DENIED 403,
 * VALIDATION_FAILED 400, IDEMPOTENCY_CONFLICT and PRECONDITION_FAILED 409, the ledger's
 * LEDGER_INSUFFICIENT_FUNDS 409, NOT_FOUND 404, ...) with its message, which names the
 * verdict and its reasons or the field at fault. A code the catalog does not know (a
 * database failure the ledger did not translate) is TOOL_FAILED (502), or
 * DATABASE_UNAVAILABLE (503) when worth retrying with the same key.
 */
export function writeOutcome<Result>(call: ToolCallResult, toResult: (output: unknown) => Result): WriteOutcome<Result> {
  switch (call.status) {
    case 'succeeded':
      return { status: 'succeeded', actionId: call.actionId, verdictId: call.verdictId, duplicate: call.duplicate, result: toResult(call.output) };
    case 'dry_run':
    case 'simulated':
      return { status: call.status, actionId: call.actionId, verdictId: call.verdictId, duplicate: call.duplicate, gate: call.gate, preview: call.output };
    case 'awaiting_approval':
      return { status: 'awaiting_approval', actionId: call.actionId, verdictId: call.verdictId, duplicate: call.duplicate, approvalId: call.approvalId };
    case 'draft':
      return { status: 'draft', actionId: call.actionId, verdictId: call.verdictId, duplicate: call.duplicate, approvalId: null };
    case 'denied':
    case 'failed': {
      const transient = call.status === 'failed' && call.transient;
      const code: ErrorCode = isCatalogued(call.code) ? call.code : transient ? 'DATABASE_UNAVAILABLE' : 'TOOL_FAILED';
      // An uncatalogued failure's message may carry database internals: the action row keeps it.
      const message = code === call.code ? call.message : `the call failed (${call.code}); action ${call.actionId ?? '(none)'} records why`;
      throw new AppError(code, message, {
        actionId: call.actionId,
        verdictId: call.verdictId,
        ...(code === call.code ? {} : { toolCode: call.code }),
        ...(transient ? { retryable: true } : {}),
      });
    }
  }
}

/** 202 while the write waits for a person (an approval or a draft); otherwise the operation's success status. */
export function writeStatus(outcome: WriteOutcome<unknown>, created: boolean): 200 | 201 | 202 {
  if (outcome.status === 'awaiting_approval' || outcome.status === 'draft') return 202;
  return outcome.status === 'succeeded' && created ? 201 : 200;
}
