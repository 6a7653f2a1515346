import type { WorldEvent } from '../../engine/world/index.js';
import type { Principal } from '../auth/principal.js';
import { maxEventBatch, type IngestEventInput } from '../contracts/events.js';
import type { EventIngestion } from '../ingestion/event-ingestion.js';
import type { ShopClient } from './shop-client.js';

/** Where the world's events go: the ingestion service in this process, or a server over HTTP. */
export type EventSink = { post(events: readonly WorldEvent[]): Promise<PostOutcome> };
export type PostOutcome = { stored: number; duplicates: number };

export type BatchOptions = { batchSize?: number; concurrency?: number };

/** Calls the same ingestion service the HTTP routes use, a batch per transaction. */
export function inProcessSink(ingestion: Pick<EventIngestion, 'ingestBatch'>, principal: Principal, options: BatchOptions = {}): EventSink {
  return batchedSink((batch) => ingestion.ingestBatch(principal, batch), options);
}

/** Posts to a running server's `POST /api/events/batch`, as a real shop would. */
export function httpSink(client: Pick<ShopClient, 'postEvents'>, options: BatchOptions = {}): EventSink {
  return batchedSink((batch) => client.postEvents(batch), options);
}

/**
 * Splits a day's events into batches and posts a few at a time. On PostgreSQL two batches
 * in flight keep both cores busy; on the embedded database they queue on its one
 * connection, which costs nothing.
 */
function batchedSink(postBatch: (batch: IngestEventInput[]) => Promise<PostOutcome>, options: BatchOptions): EventSink {
  const size = Math.max(1, Math.min(maxEventBatch, options.batchSize ?? maxEventBatch));
  const concurrency = Math.max(1, options.concurrency ?? 2);
  return {
    async post(events) {
      const batches: IngestEventInput[][] = [];
      for (let i = 0; i < events.length; i += size) batches.push(events.slice(i, i + size).map(toInput));
      const outcome = { stored: 0, duplicates: 0 };
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          const batch = batches[next] ?? [];
          next += 1;
          const result = await postBatch(batch);
          outcome.stored += result.stored;
          outcome.duplicates += result.duplicates;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
      return outcome;
    },
  };
}

function toInput(event: WorldEvent): IngestEventInput {
  return { type: event.type, idempotencyKey: event.idempotencyKey, occurredAt: event.occurredAt, payload: event.payload };
}
