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
