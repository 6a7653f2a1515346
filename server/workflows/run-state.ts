import type { PersistedMachine, ToolEffect } from '../../engine/workflows/index.js';

/** A tool effect the run has yet to see the result of. */
export type PendingTool = ToolEffect &
  Readonly<{
    /** The router's idempotency key: the run, the journal position that asked, the effect's index. */
    key: string;
    /** Set once the router answered that it waits on a person. */
    waiting?: Readonly<{ on: 'approval' | 'draft'; actionId: string; approvalId?: string }>;
  }>;

/** What the run row's `snapshot` column holds: a cache of the journal, rebuilt by replay. */
export type RunState = Readonly<{
  machine: PersistedMachine;
  pending: readonly PendingTool[];
  /** Unfired durable timers by name, with their deadline (ms). */
  timers: Readonly<Record<string, number>>;
  /** Tool results journaled so far. */
  steps: number;
}>;
