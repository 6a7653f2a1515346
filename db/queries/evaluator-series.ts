import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * The evaluator's detectors, one row per outcome series (db/migrations/011_evaluator.sql).
 * `detector` and `pending_alarm` are JSON the engine defines; this module stores them as given.
 */
export const evaluatorSubjects = ['workflow', 'decision_type'] as const;
export type EvaluatorSubject = (typeof evaluatorSubjects)[number];

export const evaluatorSeriesRow = z.object({
  org_unit_id: z.string(),
  subject_type: z.enum(evaluatorSubjects),
  subject_id: z.string(),
  metric: z.string(),
  detector: z.record(z.unknown()),
  observations: z.number().int(),
  alarms: z.number().int(),
  pending_alarm: z.record(z.unknown()).nullable(),
  last_alarm_at: z.date().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type EvaluatorSeriesRow = z.infer<typeof evaluatorSeriesRow>;

const columns = sql.fragment`org_unit_id, subject_type, subject_id, metric, detector, observations, alarms, pending_alarm,
  last_alarm_at, created_at, updated_at`;

export type SeriesKey = Readonly<{ orgUnitId: string; subjectType: EvaluatorSubject; subjectId: string; metric: string }>;

const matches = (key: SeriesKey) =>
  sql.fragment`org_unit_id = ${key.orgUnitId} AND subject_type = ${key.subjectType} AND subject_id = ${key.subjectId} AND metric = ${key.metric}`;

/** The series row, created with `detector` if it is new, locked until the transaction ends. */
export async function lockSeries(db: CommonQueryMethods, key: SeriesKey & { detector: Record<string, unknown>; at: Date }): Promise<EvaluatorSeriesRow> {
  await db.query(sql.unsafe`
    INSERT INTO evaluator_series (org_unit_id, subject_type, subject_id, metric, detector, created_at, updated_at)
    VALUES (${key.orgUnitId}, ${key.subjectType}, ${key.subjectId}, ${key.metric}, ${sql.jsonb(key.detector as never)},
            ${sql.timestamp(key.at)}, ${sql.timestamp(key.at)})
    ON CONFLICT DO NOTHING`);
  return db.one(sql.type(evaluatorSeriesRow)`SELECT ${columns} FROM evaluator_series WHERE ${matches(key)} FOR UPDATE`);
}

export async function findSeries(db: CommonQueryMethods, key: SeriesKey): Promise<EvaluatorSeriesRow | null> {
  return db.maybeOne(sql.type(evaluatorSeriesRow)`SELECT ${columns} FROM evaluator_series WHERE ${matches(key)}`);
}

export async function updateSeries(
  db: CommonQueryMethods,
  key: SeriesKey & { detector: Record<string, unknown>; observations: number; alarms: number; pendingAlarm: Record<string, unknown> | null; lastAlarmAt: Date | null; at: Date },
): Promise<EvaluatorSeriesRow> {
  return db.one(sql.type(evaluatorSeriesRow)`
    UPDATE evaluator_series
       SET detector = ${sql.jsonb(key.detector as never)}, observations = ${key.observations}, alarms = ${key.alarms},
           pending_alarm = ${key.pendingAlarm === null ? null : sql.jsonb(key.pendingAlarm as never)},
           last_alarm_at = ${key.lastAlarmAt === null ? null : sql.timestamp(key.lastAlarmAt)}, updated_at = ${sql.timestamp(key.at)}
     WHERE ${matches(key)}
    RETURNING ${columns}`);
}

/** Clears the pending alarm numbered `number` (a later one, raised meanwhile, stays). */
export async function clearPendingAlarm(db: CommonQueryMethods, key: SeriesKey & { number: number }): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE evaluator_series SET pending_alarm = NULL
     WHERE ${matches(key)} AND (pending_alarm ->> 'number')::int = ${key.number}`);
}
