import type { CommonQueryMethods, DatabaseTransactionConnection } from 'slonik';
import type { Actor } from '../../engine/governance/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import type { ToolCall, ToolCallResult, ToolSpec } from '../../engine/tools/tool.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { BatchedCall } from './batched-calls.js';

/** What every tool may reach besides the database. */
export type ToolServices = Readonly<{ ledger: LedgerService }>;

/** Live state, read before the governor is asked. */
export type ToolReadContext = Readonly<{
  db: CommonQueryMethods;
  orgUnitId: string;
  clock: Clock;
  services: ToolServices;
}>;

/** One execution: `db` is the router's transaction, in which the action row also commits. */
export type ToolExecutionContext = ToolReadContext &
  Readonly<{
    db: DatabaseTransactionConnection;
    actor: Actor;
    idempotencyKey: string;
    /** Aborted when the tool's timeout passes; tools that wait on the network should honour it. */
    signal: AbortSignal;
  }>;

export type ToolImplementation<Input = unknown, Output = unknown> = Readonly<{
  spec: ToolSpec<Input, Output>;
  /** Facts about live state the governor's policies read as `context.*` (e.g. the margin a new price leaves). */
  facts?(context: ToolReadContext, input: Input): Promise<Readonly<Record<string, unknown>>>;
  /** Why live state forbids the call right now (a retired product, an order already shipped); undefined when it may go ahead. */
  precondition?(context: ToolReadContext, input: Input): Promise<string | undefined>;
  execute(context: ToolExecutionContext, input: Input): Promise<Output>;
  /** What the call would change, without changing it (the simulate mode); the twin fills in forecasts later. */
  simulate?(context: ToolReadContext, input: Input): Promise<Readonly<Record<string, unknown>>>;
}>;

/** Keeps the spec's input and output types tied to the implementation's. */
export function defineTool<Input, Output>(tool: ToolImplementation<Input, Output>): ToolImplementation<Input, Output> {
  return tool;
}

export type CallOptions = Readonly<{
  /**
   * Run inside the caller's transaction (the workflow runtime's step): the action row and a
   * transactional tool's writes commit with the caller's. One attempt only: the caller owns
   * retries (durably), so a failure comes back with `transient` set instead of being retried here.
   */
  db?: DatabaseTransactionConnection;
}>;

/**
 * The only way a side effect happens: permission → schema → idempotency → preconditions →
 * governor verdict → autonomy gate → execute | dry-run | simulate → action row → audit.
 */
export type ToolRouter = {
  call(call: ToolCall, options?: CallOptions): Promise<ToolCallResult>;
  /** Executes an action that waited for an approval, once that approval is approved (the same key; it runs at most once). */
  resumeApproved(orgUnitId: string, actionId: string, options?: CallOptions): Promise<ToolCallResult>;
  /** A person did the drafted action by hand: the draft becomes `succeeded` with what they report. */
  completeDraft(orgUnitId: string, actionId: string, by: Actor, note: string): Promise<ToolCallResult>;
  /** A person decided the drafted action will not happen. */
  discardDraft(orgUnitId: string, actionId: string, by: Actor, reason: string): Promise<ToolCallResult>;
  /**
   * The workflow runtime's step batches: `prepareBatched` judges a call and answers null
   * unless it is the plain case (an allowed execute of a transactional tool with no
   * live-state checks); `executeBatched` runs such calls inside the caller's transaction and
   * throws if any fails, so the caller rolls back and sends each through `call`;
   * `auditBatched` writes their audit entries, last before the caller commits.
   */
  prepareBatched(call: ToolCall): Promise<BatchedCall | null>;
  executeBatched(tx: DatabaseTransactionConnection, calls: readonly BatchedCall[]): Promise<readonly ToolCallResult[]>;
  auditBatched(tx: DatabaseTransactionConnection, calls: readonly BatchedCall[], results: readonly ToolCallResult[]): Promise<void>;
  /** Every registered tool's spec, for docs and the console. */
  specs(): readonly ToolSpec[];
};
