import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { commitSteps, type StepCommit } from '../../db/queries/workflow-runs.js';

/**
 * Group commit for workflow steps: steps submitted while a commit is in flight share the
 * next one, so a thousand runs stepping at once cost a few transactions, not a thousand.
 * Each step still commits atomically with its journal entries, snapshot, timers and outbox.
 */
export type StepCommitter = {
  /** Resolves true once committed, false if the run's lease or journal moved on (the step is void). */
  commit(step: StepCommit): Promise<boolean>;
  drain(): Promise<void>;
};

type Waiting = { step: StepCommit; resolve(committed: boolean): void; reject(error: unknown): void };

export function createStepCommitter(options: { pool: DatabasePool; owner: string; logger: Pick<Logger, 'warn'>; maxBatch?: number }): StepCommitter {
  const { pool, owner, logger } = options;
  const maxBatch = options.maxBatch ?? 500;
  const queue: Waiting[] = [];
  let running: Promise<void> | undefined;

  async function flush(batch: readonly Waiting[]): Promise<void> {
    try {
      const { rejected } = await pool.transaction((tx) => commitSteps(tx, owner, batch.map((waiting) => waiting.step)));
      const lost = new Set(rejected);
      if (lost.size > 0) logger.warn({ runs: [...lost] }, 'workflows: steps discarded, their runs moved on elsewhere');
      for (const waiting of batch) waiting.resolve(!lost.has(waiting.step.runId));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }

  async function run(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) await flush(queue.splice(0, maxBatch));
    running = undefined;
  }

  return {
    commit(step) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ step, resolve, reject });
        running ??= run();
      });
    },
    drain: () => running ?? Promise.resolve(),
  };
}
