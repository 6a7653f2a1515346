import canonicalize from 'canonicalize';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { findEventByKey, insertEventOnce, type EventRow } from '../../db/queries/events.js';
import { createRunsForEvent, type RunRow } from '../../db/queries/workflow-runs.js';
import type { Principal } from '../auth/principal.js';
import type { BusinessEventType, IngestEventInput, IngestedEventDto } from '../contracts/events.js';
import { AppError } from '../errors/catalog.js';
import type { Publish } from '../governance/governance-deps.js';

export type IngestedEvent = Readonly<{ id: string; orgUnitId: string; type: BusinessEventType; payload: Readonly<Record<string, unknown>>; occurredAt: Date }>;
export type EventSubscriber = (event: IngestedEvent) => Promise<void> | void;

export type EventIngestion = {
  /** Stores the event once per idempotency key, then streams it and tells its subscribers. */
  ingest(principal: Principal, event: IngestEventInput): Promise<IngestedEventDto>;
  /** Called for every newly stored event of the type (the workflow runtime subscribes here). */
  subscribe(type: BusinessEventType, subscriber: EventSubscriber): () => void;
};

const sameEvent = (row: EventRow, event: IngestEventInput) =>
  row.type === event.type && row.occurred_at.getTime() === Date.parse(event.occurredAt) && canonicalize(row.payload) === canonicalize(event.payload);

const toDto = (row: EventRow, duplicate: boolean, runs: readonly RunRow[] = []): IngestedEventDto => ({
  id: row.id,
  type: row.type,
  idempotencyKey: row.idempotency_key,
  occurredAt: row.occurred_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
  duplicate,
  runs: runs.map((run) => ({ runId: run.id, workflowId: run.workflow_id })),
});

export type EventIngestionDeps = Readonly<{
  pool: DatabasePool;
  publish: Publish;
  logger: Pick<Logger, 'error'>;
  now: () => number;
  /** Told after commit about the runs an event started (the runtime wakes up for them). */
  onRunsStarted?: (runs: readonly RunRow[]) => Promise<void>;
}>;

export function createEventIngestion(deps: EventIngestionDeps): EventIngestion {
  const subscribers = new Map<BusinessEventType, Set<EventSubscriber>>();

  async function notify(event: IngestedEvent): Promise<void> {
    for (const subscriber of subscribers.get(event.type) ?? []) {
      try {
        await subscriber(event);
      } catch (error) {
        // The event is stored; a subscriber that fails must not make the shop post it again.
        deps.logger.error({ err: error, eventId: event.id, type: event.type }, 'event subscriber failed');
      }
    }
  }

  return {
    async ingest(principal, event) {
      const orgUnitId = principal.orgUnitId;
      // The event and the runs it starts commit together: a crash cannot keep one without the other.
      const { stored, runs } = await deps.pool.transaction(async (tx) => {
        const row = await insertEventOnce(tx, {
          orgUnitId,
          type: event.type,
          idempotencyKey: event.idempotencyKey,
          source: `${principal.kind}:${principal.name}`,
          payload: event.payload,
          occurredAt: new Date(event.occurredAt),
        });
        return { stored: row, runs: row ? await createRunsForEvent(tx, { orgUnitId, id: row.id, type: row.type, payload: row.payload }, new Date(deps.now())) : [] };
      });
      if (!stored) {
        const first = await findEventByKey(deps.pool, { orgUnitId, idempotencyKey: event.idempotencyKey });
        if (!first) throw new AppError('CONFLICT', 'The event was stored and removed concurrently; post it again');
        if (!sameEvent(first, event)) {
          throw new AppError('CONFLICT', `Idempotency key ${event.idempotencyKey} was already used for a different event`, {
            errors: [{ path: 'body.idempotencyKey', message: 'was already used for a different event' }],
          });
        }
        return toDto(first, true);
      }
      try {
        await deps.publish(orgUnitId, 'event.ingested', { id: stored.id, type: stored.type, occurredAt: stored.occurred_at.toISOString() });
      } catch (error) {
        deps.logger.error({ err: error, eventId: stored.id }, 'an ingested event could not be streamed');
      }
      if (runs.length > 0) {
        await deps.onRunsStarted?.(runs).catch((error: unknown) => deps.logger.error({ err: error, eventId: stored.id }, 'the runtime could not be woken for new runs'));
      }
      await notify({ id: stored.id, orgUnitId, type: event.type, payload: stored.payload, occurredAt: stored.occurred_at });
      return toDto(stored, false, runs);
    },
    subscribe(type, subscriber) {
      const set = subscribers.get(type) ?? new Set<EventSubscriber>();
      set.add(subscriber);
      subscribers.set(type, set);
      return () => set.delete(subscriber);
    },
  };
}
