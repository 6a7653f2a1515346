import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { DatabaseError } from '../errors.js';

/**
 * The live stream's log: each org unit numbers its events 1, 2, 3, ... with no holes.
 * Numbers come from `org_units.stream_seq`, whose row lock is held until commit, so one
 * org's events also commit in number order: a reader that sees seq n has seen all below.
 */

export const streamEventRow = z.object({
  seq: z.number().int().positive(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.date(),
});
export type StreamEventRow = z.infer<typeof streamEventRow>;

const appendedRow = z.object({ seq: z.number().int().positive(), created_at: z.date() });

/** An event to append; `payloadJson` is the payload already serialised (the caller measured its size). */
export type NewStreamEvent = { type: string; payloadJson: string };
export type AppendedStreamEvent = { seq: number; createdAt: Date };

/**
 * Appends events in the given order and returns their numbers in that order. One statement
 * reserves the range (UPDATE ... RETURNING) and inserts every row (unnest), so it is atomic
 * on its own and adds one round trip to a caller's transaction.
 */
export async function appendStreamEvents(
  db: CommonQueryMethods,
  orgUnitId: string,
  events: readonly NewStreamEvent[],
): Promise<readonly AppendedStreamEvent[]> {
  if (events.length === 0) return [];
  const count = events.length;
  const rows = await db.any(sql.type(appendedRow)`
    WITH reserved AS (
      UPDATE org_units SET stream_seq = stream_seq + ${count}
       WHERE id = ${orgUnitId}
      RETURNING stream_seq - ${count} AS before_seq
    )
    INSERT INTO stream_events (org_unit_id, seq, type, payload)
    SELECT ${orgUnitId}, reserved.before_seq + event.ordinal, event.type, event.payload
      FROM reserved,
           ${sql.unnest(
             events.map((event) => [event.type, event.payloadJson]),
             ['text', 'jsonb'],
           )} WITH ORDINALITY AS event(type, payload, ordinal)
    RETURNING seq, created_at`);
  if (rows.length !== count) {
    // Only a missing org unit makes the UPDATE match nothing; then nothing was inserted either.
    throw new DatabaseError('DB_FOREIGN_KEY_VIOLATION', `org unit ${orgUnitId} does not exist`, {
      table: 'stream_events',
      column: 'org_unit_id',
    });
  }
  const ordered = [...rows].sort((a, b) => a.seq - b.seq);
  return ordered.map((row) => ({ seq: row.seq, createdAt: row.created_at }));
}

/** Events with seq > afterSeq, oldest first, at most `limit`. */
export async function streamEventsAfter(
  db: CommonQueryMethods,
  orgUnitId: string,
  afterSeq: number,
  limit: number,
): Promise<readonly StreamEventRow[]> {
  return db.any(sql.type(streamEventRow)`
    SELECT seq, type, payload, created_at
      FROM stream_events
     WHERE org_unit_id = ${orgUnitId} AND seq > ${afterSeq}
     ORDER BY seq
     LIMIT ${limit}`);
}

/** The number of the org unit's newest committed event (0 before the first); null if the org unit does not exist. */
export async function latestStreamSeq(db: CommonQueryMethods, orgUnitId: string): Promise<number | null> {
  return db.maybeOneFirst(sql.type(z.object({ stream_seq: z.number().int().nonnegative() }))`
    SELECT stream_seq FROM org_units WHERE id = ${orgUnitId}`);
}
