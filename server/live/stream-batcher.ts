import type { Logger } from 'pino';
import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { appendStreamEvents } from '../../db/queries/stream-events.js';
import type { StreamEnvelope, StreamEventType, StreamPayload } from '../contracts/stream-events.js';

/**
 * Group commit for the live stream. Events published in the same turn of the event loop,
 * and those that arrive while a commit is in flight, share one commit, so a burst
 * costs a few commits rather than one per event. One commit is in flight at a time, which
 * is what keeps broadcasts in sequence order.
 */
export type StreamBatcher = {
  append(event: PendingEvent): Promise<StreamEnvelope>;
  /** Settles once everything appended so far is committed or has failed. */
  drain(): Promise<void>;
};

export type PendingEvent = { orgUnitId: string; type: StreamEventType; payload: StreamPayload; payloadJson: string };

type Waiting = PendingEvent & { resolve(envelope: StreamEnvelope): void; reject(error: unknown): void };

export type StreamBatcherOptions = {
  pool: DatabasePool;
  logger: Logger;
  maxBatchSize: number;
  /** Called after each commit with its envelopes, in sequence order per org unit. */
  onCommitted: (envelopes: readonly StreamEnvelope[]) => void;
};

export function createStreamBatcher({ pool, logger, maxBatchSize, onCommitted }: StreamBatcherOptions): StreamBatcher {
  const queue: Waiting[] = [];
  let running: Promise<void> | undefined;

  async function commit(batch: readonly Waiting[]): Promise<void> {
    // Locking org units in a fixed order keeps two processes' batches from deadlocking.
    const byOrg = groupByOrgUnit(batch);
    let committed: Committed[];
    try {
      // One org unit's batch is a single statement, atomic on its own: no BEGIN and COMMIT round trips.
      const [only, ...others] = byOrg;
      committed =
        only && others.length === 0
          ? await appendGroup(pool, only)
          : await pool.transaction(async (transaction) => {
              const pairs: Committed[] = [];
              for (const group of byOrg) pairs.push(...(await appendGroup(transaction, group)));
              return pairs;
            });
    } catch (error) {
      // Publishers are server code: a failed batch is a bug or an outage, and each publisher hears of it.
      logger.error({ err: error, events: batch.length }, 'live stream: could not persist events');
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    try {
      onCommitted(committed.map(({ envelope }) => envelope));
    } catch (error) {
      logger.error({ err: error }, 'live stream: broadcasting committed events failed');
    }
    for (const { waiting, envelope } of committed) waiting.resolve(envelope);
  }

  async function run(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      await commit(queue.splice(0, maxBatchSize));
    }
    // Cleared in the same synchronous step as the emptiness check, so no append is stranded.
    running = undefined;
  }

  return {
    append(event) {
      return new Promise<StreamEnvelope>((resolve, reject) => {
        queue.push({ ...event, resolve, reject });
        running ??= run();
      });
    },
    drain() {
      return running ?? Promise.resolve();
    },
  };
}

type Committed = { waiting: Waiting; envelope: StreamEnvelope };

async function appendGroup(db: CommonQueryMethods, [orgUnitId, events]: [string, Waiting[]]): Promise<Committed[]> {
  const appended = await appendStreamEvents(db, orgUnitId, events);
  return appended.flatMap((position, index) => {
    const waiting = events[index];
    return waiting ? [{ waiting, envelope: envelopeOf(waiting, position.seq, position.createdAt) }] : [];
  });
}

function groupByOrgUnit(batch: readonly Waiting[]): Map<string, Waiting[]> {
  const sorted = [...batch].sort((a, b) => (a.orgUnitId < b.orgUnitId ? -1 : a.orgUnitId > b.orgUnitId ? 1 : 0));
  const groups = new Map<string, Waiting[]>();
  for (const waiting of sorted) {
    const group = groups.get(waiting.orgUnitId);
    if (group) group.push(waiting);
    else groups.set(waiting.orgUnitId, [waiting]);
  }
  return groups;
}

function envelopeOf(event: PendingEvent, seq: number, createdAt: Date): StreamEnvelope {
  return { orgUnitId: event.orgUnitId, seq, type: event.type, payload: event.payload, at: createdAt.toISOString() };
}
