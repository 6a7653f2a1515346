import type { DatabasePool } from 'slonik';
import { translateDatabaseError } from '../../db/errors.js';
import { insertVerdicts, type NewVerdict } from '../../db/queries/verdicts.js';

/**
 * Stores verdict rows with group commit: verdicts that arrive while a batch is being
 * written go together in the next one, so a burst of evaluations costs a few INSERTs, not
 * one per action. Each caller's promise settles when its own row is committed.
 */
export type VerdictRecorder = {
  record(verdict: NewVerdict): Promise<void>;
  /** Settles once everything recorded so far is committed or has failed. */
  flush(): Promise<void>;
};

type Waiting = { verdict: NewVerdict; resolve(): void; reject(error: unknown): void };

export function createVerdictRecorder(pool: DatabasePool, options: Readonly<{ maxBatch?: number }> = {}): VerdictRecorder {
  const maxBatch = options.maxBatch ?? 500;
  const waiting: Waiting[] = [];
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    // Let the current turn's verdicts join the first batch instead of trailing it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      try {
        await insertVerdicts(pool, batch.map((entry) => entry.verdict));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        // One bad row (an org unit that does not exist) must not fail its batch-mates: retry alone.
        if (batch.length === 1) batch[0]?.reject(translateDatabaseError(error));
        else for (const entry of batch) await insertAlone(entry);
      }
    }
    // In the same synchronous step as the emptiness check, so no verdict is stranded.
    running = undefined;
  }

  async function insertAlone(entry: Waiting): Promise<void> {
    try {
      await insertVerdicts(pool, [entry.verdict]);
      entry.resolve();
    } catch (error) {
      entry.reject(translateDatabaseError(error));
    }
  }

  return {
    record(verdict) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ verdict, resolve, reject });
        running ??= drain();
      });
    },
    flush: () => running ?? Promise.resolve(),
  };
}
