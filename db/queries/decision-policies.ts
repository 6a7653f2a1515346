import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Candidate decision policies (the experiments table): one runs in shadow per decision type
 * at a time; the latest promoted one is the live algorithm for its type.
 */
export const experimentRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  decision_type: z.string(),
  name: z.string(),
  candidate: z.object({ algorithm: z.enum(['epsilon_greedy', 'linucb', 'thompson']) }),
  status: z.enum(['shadow', 'promoted', 'rejected', 'stopped']),
  report: z.record(z.unknown()).nullable(),
  created_by: z.string(),
  created_at: z.date(),
  decided_at: z.date().nullable(),
});
export type ExperimentRow = z.infer<typeof experimentRow>;

const columns = sql.fragment`id, org_unit_id, decision_type, name, candidate, status, report, created_by, created_at, decided_at`;

/** Null when another candidate is already in shadow for the type (the partial unique index). */
export async function insertShadowExperiment(
  db: CommonQueryMethods,
  args: { orgUnitId: string; decisionType: string; name: string; algorithm: string; createdBy: string; at: Date },
): Promise<ExperimentRow | null> {
  return db.maybeOne(sql.type(experimentRow)`
    INSERT INTO experiments (org_unit_id, decision_type, name, candidate, status, created_by, created_at)
    VALUES (${args.orgUnitId}, ${args.decisionType}, ${args.name}, ${sql.jsonb({ algorithm: args.algorithm })}, 'shadow', ${args.createdBy}, ${sql.timestamp(args.at)})
    ON CONFLICT DO NOTHING
    RETURNING ${columns}`);
}

export async function findExperiment(db: CommonQueryMethods, args: { orgUnitId: string; id: string; lock?: boolean }): Promise<ExperimentRow | null> {
  return db.maybeOne(sql.type(experimentRow)`
    SELECT ${columns} FROM experiments WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} ${args.lock ? sql.fragment`FOR UPDATE` : sql.fragment``}`);
}

export async function listExperiments(db: CommonQueryMethods, args: { orgUnitId: string; decisionType?: string }): Promise<readonly ExperimentRow[]> {
  return db.any(sql.type(experimentRow)`
    SELECT ${columns} FROM experiments WHERE org_unit_id = ${args.orgUnitId}
       ${args.decisionType === undefined ? sql.fragment`` : sql.fragment`AND decision_type = ${args.decisionType}`}
     ORDER BY created_at DESC, id`);
}

/** The candidate in shadow for each decision type, and the live (latest promoted) algorithm. */
export async function policyStates(db: CommonQueryMethods, orgUnitId: string): Promise<readonly ExperimentRow[]> {
  return db.any(sql.type(experimentRow)`
    SELECT ${columns} FROM experiments
     WHERE org_unit_id = ${orgUnitId}
       AND (status = 'shadow' OR id IN (SELECT DISTINCT ON (decision_type) id FROM experiments
                                         WHERE org_unit_id = ${orgUnitId} AND status = 'promoted'
                                         ORDER BY decision_type, decided_at DESC, id))`);
}

export async function settleExperiment(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; status: 'promoted' | 'rejected' | 'stopped'; report: Record<string, unknown>; at: Date },
): Promise<ExperimentRow> {
  return db.one(sql.type(experimentRow)`
    UPDATE experiments SET status = ${args.status}, report = ${sql.jsonb(args.report as never)}, decided_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}
    RETURNING ${columns}`);
}
