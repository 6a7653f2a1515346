import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const streamStatuses = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type StreamStatus = (typeof streamStatuses)[number];

export const streamRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  creator_id: z.string().uuid(),
  title: z.string(),
  scheduled_start: z.date(),
  scheduled_end: z.date(),
  status: z.enum(streamStatuses),
  product_ids: z.array(z.string().uuid()),
});
export type StreamRow = z.infer<typeof streamRow>;

const columns = sql.fragment`id, org_unit_id, creator_id, title, scheduled_start, scheduled_end, status, product_ids`;

export async function findStream(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<StreamRow | null> {
  return db.maybeOne(sql.type(streamRow)`
    SELECT ${columns} FROM streams WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

export async function insertScheduledStream(
  db: CommonQueryMethods,
  args: { orgUnitId: string; creatorId: string; title: string; start: Date; end: Date; productIds: readonly string[] },
): Promise<StreamRow> {
  return db.one(sql.type(streamRow)`
    INSERT INTO streams (org_unit_id, creator_id, title, scheduled_start, scheduled_end, product_ids)
    VALUES (${args.orgUnitId}, ${args.creatorId}, ${args.title}, ${sql.timestamp(args.start)}, ${sql.timestamp(args.end)},
            ${sql.array([...args.productIds], 'uuid')})
    RETURNING ${columns}`);
}

/**
 * The first stream of the creator's that is scheduled or live and shares any time with
 * [start, end); `exceptStreamId` leaves out the stream being reassigned.
 */
export async function findOverlappingStream(
  db: CommonQueryMethods,
  args: { orgUnitId: string; creatorId: string; start: Date; end: Date; exceptStreamId?: string },
): Promise<StreamRow | null> {
  return db.maybeOne(sql.type(streamRow)`
    SELECT ${columns} FROM streams
     WHERE org_unit_id = ${args.orgUnitId} AND creator_id = ${args.creatorId}
       AND status IN ('scheduled', 'live')
       AND scheduled_start < ${sql.timestamp(args.end)} AND scheduled_end > ${sql.timestamp(args.start)}
       ${args.exceptStreamId === undefined ? sql.fragment`` : sql.fragment`AND id <> ${args.exceptStreamId}`}
     ORDER BY scheduled_start
     LIMIT 1`);
}

export const assignedStreamRow = streamRow.extend({ previous_creator_id: z.string().uuid() });

/** Gives a scheduled stream to another creator. Null when the stream is missing or not scheduled. */
export async function assignStreamCreator(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; creatorId: string },
): Promise<z.infer<typeof assignedStreamRow> | null> {
  // The CTE locks the row first, so the creator it reports as previous is the one replaced.
  return db.maybeOne(sql.type(assignedStreamRow)`
    WITH previous AS (
      SELECT id, creator_id FROM streams
       WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'scheduled'
       FOR UPDATE
    )
    UPDATE streams s SET creator_id = ${args.creatorId}
      FROM previous
     WHERE s.org_unit_id = ${args.orgUnitId} AND s.id = previous.id AND s.status = 'scheduled'
    RETURNING s.id, s.org_unit_id, s.creator_id, s.title, s.scheduled_start, s.scheduled_end, s.status, s.product_ids,
              previous.creator_id AS previous_creator_id`);
}

export const scheduledStreamRow = z.object({
  id: z.string().uuid(),
  title: z.string(),
  creator_handle: z.string(),
  scheduled_start: z.date(),
  scheduled_end: z.date(),
  /** Categories of the featured products, most featured first. */
  categories: z.array(z.string()),
});
export type ScheduledStreamRow = z.infer<typeof scheduledStreamRow>;

/** Streams scheduled or live that start in [from, to), with their creator's handle and featured categories. */
export async function listStreamsStartingBetween(
  db: CommonQueryMethods,
  args: { orgUnitId: string; from: Date; to: Date },
): Promise<readonly ScheduledStreamRow[]> {
  return db.any(sql.type(scheduledStreamRow)`
    SELECT s.id, s.title, c.handle AS creator_handle, s.scheduled_start, s.scheduled_end,
           coalesce((SELECT array_agg(p.category ORDER BY n DESC, p.category)
                       FROM (SELECT p.category, count(*) AS n FROM products p
                              WHERE p.org_unit_id = s.org_unit_id AND p.id = ANY (s.product_ids)
                              GROUP BY p.category) p), '{}') AS categories
      FROM streams s
      JOIN creators c ON c.org_unit_id = s.org_unit_id AND c.id = s.creator_id
     WHERE s.org_unit_id = ${args.orgUnitId} AND s.status IN ('scheduled', 'live')
       AND s.scheduled_start >= ${sql.timestamp(args.from)} AND s.scheduled_start < ${sql.timestamp(args.to)}
     ORDER BY s.scheduled_start, s.id`);
}
