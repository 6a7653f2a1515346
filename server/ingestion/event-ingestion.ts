import canonicalize from 'canonicalize';
import type { Logger } from 'pino';
import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { findEventByKey, findEventsByKeys, insertEventOnce, insertEventsOnce, type EventRow } from '../../db/queries/events.js';
import { createRunsForEvent, createRunsForEvents, createScheduledRuns, type RunRow } from '../../db/queries/workflow-runs.js';
import { periodsOf, scheduledRunKey, type WorkflowSchedule } from '../../engine/workflows/index.js';
import type { Principal } from '../auth/principal.js';
import type { BusinessEventType, IngestEventInput, IngestedEventBatchDto, IngestedEventDto } from '../contracts/events.js';
import { AppError } from '../errors/catalog.js';
import type { Publish } from '../governance/governance-deps.js';

export type IngestedEvent = Readonly<{ id: string; orgUnitId: string; type: BusinessEventType; payload: Readonly<Record<string, unknown>>; occurredAt: Date }>;
export type EventSubscriber = (event: IngestedEvent) => Promise<void> | void;

export type EventIngestion = {
  /** Stores the event once per idempotency key, then streams it and tells its subscribers. */
  ingest(principal: Principal, event: IngestEventInput): Promise<IngestedEventDto>;
  /**
   * Many events in one transaction, each stored once per idempotency key as `ingest` does.
   * A key already used for a different event refuses the whole batch (409), storing none.
   */
  ingestBatch(principal: Principal, events: readonly IngestEventInput[]): Promise<IngestedEventBatchDto>;
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
  /** Workflows that run once per period of the shop's clock: the events' times start them. */
  schedules?: readonly WorkflowSchedule[];
}>;

export function createEventIngestion(deps: EventIngestionDeps): EventIngestion {
  const subscribers = new Map<BusinessEventType, Set<EventSubscriber>>();
  const schedules = deps.schedules ?? [];

  /** The scheduled runs of the periods the stored events fall in, in their transaction (one per period, ever). */
  async function scheduledRuns(tx: DatabaseTransactionConnection, orgUnitId: string, stored: readonly EventRow[]): Promise<readonly RunRow[]> {
    if (schedules.length === 0 || stored.length === 0) return [];
    const instants = stored.map((row) => row.occurred_at.getTime());
    const runs = schedules.flatMap(({ workflowId, everyMs }) =>
      periodsOf(instants, everyMs).map((start) => ({ workflowId, idempotencyKey: scheduledRunKey(workflowId, start), periodStart: new Date(start) })),
    );
    return createScheduledRuns(tx, orgUnitId, runs, new Date(deps.now()));
  }

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

  /** Streams each stored event, wakes the runtime for the runs they started, tells subscribers. */
  async function afterCommit(orgUnitId: string, stored: readonly EventRow[], runs: readonly RunRow[]): Promise<void> {
    await Promise.all(
      stored.map((row) =>
        deps.publish(orgUnitId, 'event.ingested', { id: row.id, type: row.type, occurredAt: row.occurred_at.toISOString() }).catch((error: unknown) => {
          deps.logger.error({ err: error, eventId: row.id }, 'an ingested event could not be streamed');
        }),
      ),
    );
    if (runs.length > 0) {
      await deps.onRunsStarted?.(runs).catch((error: unknown) => deps.logger.error({ err: error, runs: runs.length }, 'the runtime could not be woken for new runs'));
    }
    for (const row of stored) await notify({ id: row.id, orgUnitId, type: row.type as BusinessEventType, payload: row.payload, occurredAt: row.occurred_at });
  }

  return {
    async ingest(principal, event) {
      const orgUnitId = principal.orgUnitId;
      // The event and the runs it starts commit together: a crash cannot keep one without the other.
      const { stored, runs, scheduled } = await deps.pool.transaction(async (tx) => {
        const row = await insertEventOnce(tx, {
          orgUnitId,
          type: event.type,
          idempotencyKey: event.idempotencyKey,
          source: `${principal.kind}:${principal.name}`,
          payload: event.payload,
          occurredAt: new Date(event.occurredAt),
        });
        if (!row) return { stored: row, runs: [], scheduled: [] };
        const triggered = await createRunsForEvent(tx, { orgUnitId, id: row.id, type: row.type, payload: row.payload }, new Date(deps.now()));
        return { stored: row, runs: triggered, scheduled: await scheduledRuns(tx, orgUnitId, [row]) };
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
      // A scheduled run belongs to its period, not to the event that opened it: woken, not listed.
      await afterCommit(orgUnitId, [stored], [...runs, ...scheduled]);
      return toDto(stored, false, runs);
    },
    async ingestBatch(principal, events) {
      const orgUnitId = principal.orgUnitId;
      const source = `${principal.kind}:${principal.name}`;
      const { stored, earlier, runs } = await deps.pool.transaction(async (tx) => {
        const inserted = await insertEventsOnce(tx, {
          orgUnitId,
          source,
          events: events.map((e) => ({ type: e.type, idempotencyKey: e.idempotencyKey, payload: e.payload, occurredAt: new Date(e.occurredAt) })),
        });
        const insertedKeys = new Set(inserted.map((row) => row.idempotency_key));
        const known = await findEventsByKeys(tx, { orgUnitId, keys: events.map((e) => e.idempotencyKey).filter((key) => !insertedKeys.has(key)) });
        const byKey = new Map(known.map((row) => [row.idempotency_key, row]));
        const conflicts = events.flatMap((event, index) => {
          const first = byKey.get(event.idempotencyKey);
          return first && !sameEvent(first, event) ? [{ path: `body.events[${index}].idempotencyKey`, message: 'was already used for a different event' }] : [];
        });
        if (conflicts.length > 0) {
          throw new AppError('CONFLICT', `${conflicts.length} idempotency key(s) were already used for different events; nothing was stored`, { errors: conflicts });
        }
        const triggered = await createRunsForEvents(tx, orgUnitId, inserted, new Date(deps.now()));
        return { stored: inserted, earlier: byKey, runs: [...triggered, ...(await scheduledRuns(tx, orgUnitId, inserted))] };
      });
      await afterCommit(orgUnitId, stored, runs);
      const storedByKey = new Map(stored.map((row) => [row.idempotency_key, row]));
      const runsByEvent = new Map<string | null, RunRow[]>();
      for (const run of runs) runsByEvent.set(run.trigger_event_id, [...(runsByEvent.get(run.trigger_event_id) ?? []), run]);
      const results = events.map((event) => {
        const row = storedByKey.get(event.idempotencyKey);
        if (row) return toDto(row, false, runsByEvent.get(row.id) ?? []);
        const first = earlier.get(event.idempotencyKey);
        if (!first) throw new AppError('CONFLICT', 'The event was stored and removed concurrently; post it again');
        return toDto(first, true);
      });
      return { stored: stored.length, duplicates: events.length - stored.length, events: results };
    },
    subscribe(type, subscriber) {
      const set = subscribers.get(type) ?? new Set<EventSubscriber>();
      set.add(subscriber);
      subscribers.set(type, set);
      return () => set.delete(subscriber);
    },
  };
}
