import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const eventRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  type: z.string(),
  idempotency_key: z.string(),
  source: z.string(),
  payload: z.record(z.unknown()),
  occurred_at: z.date(),
  recorded_at: z.date(),
});
export type EventRow = z.infer<typeof eventRow>;

const columns = sql.fragment`id, org_unit_id, type, idempotency_key, source, payload, occurred_at, recorded_at`;

/** Stores the event unless its idempotency key is known; null then (the first one stands). */
export async function insertEventOnce(
  db: CommonQueryMethods,
  args: { orgUnitId: string; type: string; idempotencyKey: string; source: string; payload: Record<string, unknown>; occurredAt: Date },
): Promise<EventRow | null> {
  return db.maybeOne(sql.type(eventRow)`
    INSERT INTO events (org_unit_id, type, idempotency_key, source, payload, occurred_at)
    VALUES (${args.orgUnitId}, ${args.type}, ${args.idempotencyKey}, ${args.source}, ${sql.jsonb(args.payload as never)}, ${sql.timestamp(args.occurredAt)})
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING ${columns}`);
}

export async function findEventByKey(db: CommonQueryMethods, args: { orgUnitId: string; idempotencyKey: string }): Promise<EventRow | null> {
  return db.maybeOne(sql.type(eventRow)`
    SELECT ${columns} FROM events WHERE org_unit_id = ${args.orgUnitId} AND idempotency_key = ${args.idempotencyKey}`);
}

export type NewEvent = Readonly<{ type: string; idempotencyKey: string; payload: Record<string, unknown>; occurredAt: Date }>;

/**
 * Stores each event whose idempotency key is new, in one statement; returns the rows
 * stored (a known key is skipped, as `insertEventOnce` does for one event).
 */
export async function insertEventsOnce(
  db: CommonQueryMethods,
  args: { orgUnitId: string; source: string; events: readonly NewEvent[] },
): Promise<readonly EventRow[]> {
  if (args.events.length === 0) return [];
  const records = args.events.map((e) => ({ type: e.type, idempotency_key: e.idempotencyKey, payload: e.payload, occurred_at: e.occurredAt.toISOString() }));
  return db.any(sql.type(eventRow)`
    INSERT INTO events (org_unit_id, type, idempotency_key, source, payload, occurred_at)
    SELECT ${args.orgUnitId}, e.type, e.idempotency_key, ${args.source}, e.payload, e.occurred_at
      FROM jsonb_to_recordset(${sql.jsonb(records as never)}) AS e(type text, idempotency_key text, payload jsonb, occurred_at timestamptz)
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING ${columns}`);
}

export async function findEventsByKeys(db: CommonQueryMethods, args: { orgUnitId: string; keys: readonly string[] }): Promise<readonly EventRow[]> {
  if (args.keys.length === 0) return [];
  return db.any(sql.type(eventRow)`
    SELECT ${columns} FROM events WHERE org_unit_id = ${args.orgUnitId} AND idempotency_key = ANY(${sql.array([...args.keys], 'text')})`);
}
