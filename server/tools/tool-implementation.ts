import type { CommonQueryMethods, DatabaseTransactionConnection } from 'slonik';
import type { Actor } from '../../engine/governance/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import type { ToolSpec } from '../../engine/tools/tool.js';
import type { LedgerService } from '../ledger/ledger-service.js';

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
