import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Forecasts kept to be compared with what happened (006_learning.sql): a metric over a
 * window, the predicted distribution, and once the window has passed, the actual value.
 */
export const predictionRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  simulation_id: z.string().uuid().nullable(),
  metric: z.string(),
  window_start: z.date(),
  window_end: z.date(),
  predicted: z.record(z.unknown()),
  /** numeric: a decimal string. */
  actual: z.string().nullable(),
  resolved_at: z.date().nullable(),
  created_at: z.date(),
});
export type PredictionRow = z.infer<typeof predictionRow>;

const columns = sql.join(Object.keys(predictionRow.shape).map((name) => sql.identifier([name])), sql.fragment`, `);

export async function insertPrediction(
  db: CommonQueryMethods,
  args: { orgUnitId: string; simulationId: string | null; metric: string; windowStart: Date; windowEnd: Date; predicted: Readonly<Record<string, unknown>>; at: Date },
): Promise<PredictionRow> {
  return db.one(sql.type(predictionRow)`
    INSERT INTO predictions (org_unit_id, simulation_id, metric, window_start, window_end, predicted, created_at)
    VALUES (${args.orgUnitId}, ${args.simulationId}, ${args.metric}, ${sql.timestamp(args.windowStart)}, ${sql.timestamp(args.windowEnd)},
            ${sql.jsonb(args.predicted as never)}, ${sql.timestamp(args.at)})
    RETURNING ${columns}`);
}

/** Open predictions whose window ended by `asOf`, oldest first. */
export async function listDuePredictions(db: CommonQueryMethods, args: { orgUnitId: string; asOf: Date; limit: number }): Promise<readonly PredictionRow[]> {
  return db.any(sql.type(predictionRow)`
    SELECT ${columns} FROM predictions
     WHERE org_unit_id = ${args.orgUnitId} AND resolved_at IS NULL AND window_end <= ${sql.timestamp(args.asOf)}
     ORDER BY window_end, id
     LIMIT ${args.limit}`);
}

/** Records what happened; null when it was resolved already. */
export async function resolvePrediction(db: CommonQueryMethods, args: { orgUnitId: string; id: string; actual: string; at: Date }): Promise<PredictionRow | null> {
  return db.maybeOne(sql.type(predictionRow)`
    UPDATE predictions SET actual = ${args.actual}, resolved_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND resolved_at IS NULL
    RETURNING ${columns}`);
}

/** Resolved predictions of a metric, newest first: how forecasts compared with outcomes. */
export async function listResolvedPredictions(db: CommonQueryMethods, args: { orgUnitId: string; metric: string; limit: number }): Promise<readonly PredictionRow[]> {
  return db.any(sql.type(predictionRow)`
    SELECT ${columns} FROM predictions
     WHERE org_unit_id = ${args.orgUnitId} AND metric = ${args.metric} AND resolved_at IS NOT NULL
     ORDER BY window_end DESC, id
     LIMIT ${args.limit}`);
}

/** How many of the org unit's predictions are open and resolved. */
export async function countPredictions(db: CommonQueryMethods, orgUnitId: string): Promise<{ open: number; resolved: number }> {
  return db.one(sql.type(z.object({ open: z.number().int(), resolved: z.number().int() }))`
    SELECT count(*) FILTER (WHERE resolved_at IS NULL)::int AS open, count(*) FILTER (WHERE resolved_at IS NOT NULL)::int AS resolved
      FROM predictions WHERE org_unit_id = ${orgUnitId}`);
}
