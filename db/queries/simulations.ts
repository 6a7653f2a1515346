import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * The twin's simulations (006_learning.sql, 010_twin.sql): one row per what-if or sweep,
 * with its inputs, seed, model versions and result; a sweep's scenarios each in
 * simulation_runs. Results are JSON whose money is integer minor units.
 */
export const simulationKinds = ['single', 'sweep'] as const;
export const simulationStatuses = ['running', 'completed', 'failed'] as const;

const json = z.record(z.unknown());

export const simulationRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  description: z.string(),
  kind: z.enum(simulationKinds),
  scenario: json,
  input_sha256: z.string(),
  seed: z.number().int(),
  model_versions: z.record(z.number().int()),
  backend: z.string().nullable(),
  status: z.enum(simulationStatuses),
  samples: z.number().int().nullable(),
  result: json.nullable(),
  error: json.nullable(),
  requested_by: z.string(),
  compute_ms: z.number().nullable(),
  created_at: z.date(),
  completed_at: z.date().nullable(),
});
export type SimulationRow = z.infer<typeof simulationRow>;

const columns = sql.join(Object.keys(simulationRow.shape).map((name) => sql.identifier([name])), sql.fragment`, `);

export type NewSimulation = Readonly<{
  orgUnitId: string;
  kind: (typeof simulationKinds)[number];
  description: string;
  scenario: Readonly<Record<string, unknown>>;
  inputSha256: string;
  seed: number;
  modelVersions: Readonly<Record<string, number>>;
  inputs: Readonly<Record<string, unknown>>;
  requestedBy: string;
  at: Date;
}>;

export async function insertSimulation(db: CommonQueryMethods, args: NewSimulation): Promise<SimulationRow> {
  return db.one(sql.type(simulationRow)`
    INSERT INTO simulations (org_unit_id, kind, description, scenario, input_sha256, seed, model_versions, inputs, requested_by, created_at)
    VALUES (${args.orgUnitId}, ${args.kind}, ${args.description}, ${sql.jsonb(args.scenario as never)}, ${args.inputSha256}, ${args.seed},
            ${sql.jsonb(args.modelVersions as never)}, ${sql.jsonb(args.inputs as never)}, ${args.requestedBy}, ${sql.timestamp(args.at)})
    RETURNING ${columns}`);
}

/** running → completed. Null when the simulation is not running (it finished or failed already). */
export async function completeSimulation(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; backend: string; samples: number; result: Readonly<Record<string, unknown>>; computeMs: number; at: Date },
): Promise<SimulationRow | null> {
  return db.maybeOne(sql.type(simulationRow)`
    UPDATE simulations
       SET status = 'completed', backend = ${args.backend}, samples = ${args.samples}, result = ${sql.jsonb(args.result as never)},
           compute_ms = ${args.computeMs}, completed_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'running'
    RETURNING ${columns}`);
}

/** running → failed, with why. */
export async function failSimulation(db: CommonQueryMethods, args: { orgUnitId: string; id: string; error: Readonly<Record<string, unknown>>; at: Date }): Promise<SimulationRow | null> {
  return db.maybeOne(sql.type(simulationRow)`
    UPDATE simulations SET status = 'failed', error = ${sql.jsonb(args.error as never)}, completed_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'running'
    RETURNING ${columns}`);
}

export async function findSimulation(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<SimulationRow | null> {
  return db.maybeOne(sql.type(simulationRow)`
    SELECT ${columns} FROM simulations WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** What a simulation ran on, for re-running it. */
export async function findSimulationInputs(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<Record<string, unknown> | null> {
  return db.maybeOneFirst(sql.type(z.object({ inputs: json }))`
    SELECT inputs FROM simulations WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND inputs IS NOT NULL`);
}

export const simulationListRow = simulationRow.omit({ result: true, scenario: true }).extend({ headline: json.nullable() });
export type SimulationListRow = z.infer<typeof simulationListRow>;

/**
 * Newest first; `before` continues after the last one seen (its time and id). Each row
 * carries only its headline (a single run's revenue and risks, a sweep's best scenario).
 */
export async function listSimulations(
  db: CommonQueryMethods,
  args: { orgUnitId: string; limit: number; kind?: (typeof simulationKinds)[number]; before?: { createdAt: Date; id: string } },
): Promise<readonly SimulationListRow[]> {
  return db.any(sql.type(simulationListRow)`
    SELECT id, org_unit_id, description, kind, input_sha256, seed, model_versions, backend, status, samples, error, requested_by,
           compute_ms, created_at, completed_at, result -> 'headline' AS headline
      FROM simulations
     WHERE org_unit_id = ${args.orgUnitId}
       ${args.kind === undefined ? sql.fragment`` : sql.fragment`AND kind = ${args.kind}`}
       ${args.before === undefined ? sql.fragment`` : sql.fragment`AND (created_at, id) < (${sql.timestamp(args.before.createdAt)}, ${args.before.id})`}
     ORDER BY created_at DESC, id DESC
     LIMIT ${args.limit}`);
}

export const simulationRunRow = z.object({
  scenario_index: z.number().int(),
  changes: json,
  result: json,
  duration_ms: z.number().nullable(),
});
export type SimulationRunRow = z.infer<typeof simulationRunRow>;

/** A sweep's scenarios, one row each, in one statement. */
export async function insertSimulationRuns(
  db: CommonQueryMethods,
  simulationId: string,
  runs: readonly Readonly<{ index: number; changes: unknown; result: unknown; durationMs: number }>[],
): Promise<number> {
  if (runs.length === 0) return 0;
  const rows = runs.map((run) => [simulationId, run.index, JSON.stringify(run.changes), JSON.stringify(run.result), run.durationMs]);
  const inserted = await db.oneFirst(sql.type(z.object({ count: z.number().int() }))`
    WITH inserted AS (
      INSERT INTO simulation_runs (simulation_id, scenario_index, changes, result, duration_ms)
      SELECT * FROM ${sql.unnest(rows, ['uuid', 'int4', 'jsonb', 'jsonb', 'float8'])}
      RETURNING 1
    )
    SELECT count(*)::int AS count FROM inserted`);
  return inserted;
}

/** A page of a sweep's scenarios in index order. */
export async function listSimulationRuns(
  db: CommonQueryMethods,
  args: { orgUnitId: string; simulationId: string; limit: number; afterIndex?: number },
): Promise<readonly SimulationRunRow[]> {
  return db.any(sql.type(simulationRunRow)`
    SELECT r.scenario_index, r.changes, r.result, r.duration_ms
      FROM simulation_runs r JOIN simulations s ON s.id = r.simulation_id
     WHERE s.org_unit_id = ${args.orgUnitId} AND r.simulation_id = ${args.simulationId}
       ${args.afterIndex === undefined ? sql.fragment`` : sql.fragment`AND r.scenario_index > ${args.afterIndex}`}
     ORDER BY r.scenario_index
     LIMIT ${args.limit}`);
}
