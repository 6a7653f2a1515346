import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { relayOutbox } from '../../db/queries/workflow-runs.js';
import { streamEventTypes, type StreamEnvelope, type StreamEventType } from '../contracts/stream-events.js';

/**
 * Moves outbox rows into the live stream's log in one statement (so each lands there
 * exactly once), then broadcasts them. Steps write the outbox inside their own commit,
 * which is what makes a run's updates impossible to lose.
 */
export type OutboxRelay = { kick(): void; drain(): Promise<void> };

export function createOutboxRelay(options: {
  pool: DatabasePool;
  announce: (envelopes: readonly StreamEnvelope[]) => void;
  logger: Pick<Logger, 'error'>;
  batch?: number;
  /** The pause before another round when commits kept coming during one. */
  spacingMs?: number;
}): OutboxRelay {
  const { pool, announce, logger } = options;
  const batch = options.batch ?? 1_000;
  const spacingMs = options.spacingMs ?? 10;
  let running: Promise<void> | undefined;
  let again = false;

  async function relayOnce(): Promise<number> {
    const { taken, events } = await relayOutbox(pool, { limit: batch, streamTypes: streamEventTypes });
    announce(events.map((e) => ({ orgUnitId: e.orgUnitId, seq: e.seq, type: e.type as StreamEventType, payload: e.payload, at: e.createdAt.toISOString() })));
    return taken;
  }

  async function run(): Promise<void> {
    do {
      again = false;
      try {
        while ((await relayOnce()) === batch);
      } catch (error) {
        logger.error({ err: error }, 'workflows: the outbox relay failed; it retries on the next kick');
      }
      // Under a stream of commits, a short pause lets the next round carry many of them: each
      // round is a transaction of its own, and its WAL flush competes with the steps' commits.
      if (again) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    } while (again);
    running = undefined;
  }

  return {
    kick() {
      if (running) again = true;
      else running = run();
    },
    drain: () => running ?? Promise.resolve(),
  };
}
