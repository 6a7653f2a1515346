import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Calibrated model parameters (006_learning.sql): versions per org unit and model, at most
 * one active. Version 0 is never stored: it names the priors a twin uses before any
 * calibration.
 */
export const modelStatuses = ['candidate', 'active', 'retired'] as const;

export const modelVersionRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  model: z.string(),
  version: z.number().int(),
  params: z.record(z.unknown()),
  training_from: z.date().nullable(),
  training_to: z.date().nullable(),
  backtest_error: z.record(z.unknown()),
  status: z.enum(modelStatuses),
  created_at: z.date(),
});
export type ModelVersionRow = z.infer<typeof modelVersionRow>;

const columns = sql.join(Object.keys(modelVersionRow.shape).map((name) => sql.identifier([name])), sql.fragment`, `);

export async function listActiveModelVersions(db: CommonQueryMethods, orgUnitId: string): Promise<readonly ModelVersionRow[]> {
  return db.any(sql.type(modelVersionRow)`
    SELECT ${columns} FROM model_registry WHERE org_unit_id = ${orgUnitId} AND status = 'active' ORDER BY model`);
}

/** Every version of the org unit's models (or one model's), newest first. */
export async function listModelVersions(db: CommonQueryMethods, args: { orgUnitId: string; model?: string; limit: number }): Promise<readonly ModelVersionRow[]> {
  return db.any(sql.type(modelVersionRow)`
    SELECT ${columns} FROM model_registry
     WHERE org_unit_id = ${args.orgUnitId} ${args.model === undefined ? sql.fragment`` : sql.fragment`AND model = ${args.model}`}
     ORDER BY created_at DESC, model, version DESC
     LIMIT ${args.limit}`);
}

/**
 * Stores the next version of a model and, when `activate` is set, makes it the active one
 * (the previous active version retires). Run it in a transaction with the org unit's other
 * models so a calibration lands whole; the unique index on the active version and the
 * (org, model, version) key keep two calibrations from interleaving.
 */
export async function insertModelVersion(
  db: CommonQueryMethods,
  args: {
    orgUnitId: string;
    model: string;
    params: Readonly<Record<string, unknown>>;
    trainingFrom: Date;
    trainingTo: Date;
    backtestError: Readonly<Record<string, unknown>>;
    activate: boolean;
    at: Date;
  },
): Promise<ModelVersionRow> {
  if (args.activate) {
    await db.query(sql.unsafe`
      UPDATE model_registry SET status = 'retired' WHERE org_unit_id = ${args.orgUnitId} AND model = ${args.model} AND status = 'active'`);
  }
  return db.one(sql.type(modelVersionRow)`
    INSERT INTO model_registry (org_unit_id, model, version, params, training_from, training_to, backtest_error, status, created_at)
    SELECT ${args.orgUnitId}, ${args.model}, coalesce(max(version), 0) + 1, ${sql.jsonb(args.params as never)},
           ${sql.timestamp(args.trainingFrom)}, ${sql.timestamp(args.trainingTo)}, ${sql.jsonb(args.backtestError as never)},
           ${args.activate ? 'active' : 'candidate'}, ${sql.timestamp(args.at)}
      FROM model_registry WHERE org_unit_id = ${args.orgUnitId} AND model = ${args.model}
    RETURNING ${columns}`);
}
