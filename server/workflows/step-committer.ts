import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { commitSteps, type StepCommit } from '../../db/queries/workflow-runs.js';
import type { ToolCallResult } from '../../engine/tools/tool.js';
import type { BatchedCall } from '../tools/batched-calls.js';
import type { ToolRouter } from '../tools/tool-implementation.js';

/**
 * Group commit for workflow steps: steps submitted while a commit is in flight share the
 * next one, so a thousand runs stepping at once cost a few transactions, not a thousand.
 * A tool step goes whole into the group's transaction — verdict, action row, the tool's
 * writes, audit entries, journal, snapshot and outbox — so each step still commits
 * atomically, and a batch of steps costs little more than its tools' own statements.
 */
export type StepCommitter = {
  /** Resolves true once committed, false if the run's lease or journal moved on (the step is void). */
  commit(step: StepCommit): Promise<boolean>;
  /**
   * Runs a prepared tool call and commits the step `complete` makes of its result, in one
   * transaction. Resolves null when the call must go one at a time instead (it failed, or
   * its key was taken meanwhile): nothing of it was written.
   */
  commitTool<T extends { commit: StepCommit }>(call: BatchedCall, complete: (result: ToolCallResult) => T): Promise<{ committed: boolean; step: T } | null>;
  drain(): Promise<void>;
};

type Plain = { kind: 'plain'; step: StepCommit; resolve(committed: boolean): void; reject(error: unknown): void };
type Tool = {
  kind: 'tool';
  call: BatchedCall;
  complete(result: ToolCallResult): { commit: StepCommit };
  resolve(outcome: { committed: boolean; step: { commit: StepCommit } } | null): void;
  reject(error: unknown): void;
};
type Waiting = Plain | Tool;

export function createStepCommitter(options: {
  pool: DatabasePool;
  router: Pick<ToolRouter, 'executeBatched' | 'auditBatched'>;
  owner: string;
  logger: Pick<Logger, 'warn'>;
  maxBatch?: number;
  /** After each group commit: every step carries an outbox row for the relay to stream. */
  onCommitted?: () => void;
}): StepCommitter {
  const { pool, router, owner, logger } = options;
  const maxBatch = options.maxBatch ?? 256;
  const queue: Waiting[] = [];
  /**
   * The one group commit in flight. One at a time: batches of an org unit take turns on its
   * audit chain's head anyway, and a second in flight only split the steps into smaller
   * batches, each paying for its own statements and commit (measured: a fifth fewer steps/s).
   */
  let flushing: Promise<void> | undefined;

  async function flush(batch: readonly Waiting[]): Promise<void> {
    const tools = batch.filter((waiting): waiting is Tool => waiting.kind === 'tool');
    try {
      const { lost, completed } = await pool.transaction(async (tx) => {
        const results = await router.executeBatched(tx, tools.map((waiting) => waiting.call));
        const completed = tools.map((waiting, index) => waiting.complete(results[index] as ToolCallResult));
        const steps = batch.flatMap((waiting) => (waiting.kind === 'plain' ? [waiting.step] : []));
        const { rejected } = await commitSteps(tx, owner, [...steps, ...completed.map((step) => step.commit)]);
        await router.auditBatched(tx, tools.map((waiting) => waiting.call), results);
        return { lost: new Set(rejected), completed };
      });
      options.onCommitted?.();
      if (lost.size > 0) logger.warn({ runs: [...lost] }, 'workflows: steps discarded, their runs moved on elsewhere');
      for (const waiting of batch) if (waiting.kind === 'plain') waiting.resolve(!lost.has(waiting.step.runId));
      tools.forEach((waiting, index) => {
        const step = completed[index] as { commit: StepCommit };
        // A run fenced off still had its tool's effect committed with its action row: whoever
        // holds the run now repeats the call with the same key and gets that result.
        waiting.resolve({ committed: !lost.has(step.commit.runId), step });
      });
    } catch (error) {
      if (tools.length === 0) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      // A tool failed or lost its key, and took the batch with it: the tools go one at a
      // time (which records each failure properly), the plain steps commit on their own.
      logger.warn({ err: error, steps: tools.length }, 'workflows: a batch of tool steps rolled back; they go one at a time');
      for (const waiting of tools) waiting.resolve(null);
      await flush(batch.filter((waiting) => waiting.kind === 'plain'));
    }
  }

  async function run(): Promise<void> {
    // Let the current turn's steps join the first batch instead of trailing it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) await flush(queue.splice(0, maxBatch));
    // In the same synchronous step as the emptiness check, so no step is stranded in the queue.
    flushing = undefined;
  }

  function enqueue(waiting: Waiting): void {
    queue.push(waiting);
    flushing ??= run();
  }

  return {
    commit(step) {
      return new Promise<boolean>((resolve, reject) => enqueue({ kind: 'plain', step, resolve, reject }));
    },
    commitTool<T extends { commit: StepCommit }>(call: BatchedCall, complete: (result: ToolCallResult) => T) {
      return new Promise<{ committed: boolean; step: T } | null>((resolve, reject) =>
        enqueue({ kind: 'tool', call, complete, resolve: resolve as Tool['resolve'], reject }),
      );
    },
    async drain() {
      while (flushing) await flushing;
    },
  };
}
