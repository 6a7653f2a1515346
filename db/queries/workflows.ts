import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Workflow definitions per org unit: the autonomy level and pause switch operators change. */

const autonomy = z.enum(['a0_manual', 'a1_assisted', 'a2_supervised', 'a3_autonomous', 'a4_self_optimizing']);

export const workflowRow = z.object({
  org_unit_id: z.string(),
  id: z.string(),
  name: z.string(),
  description: z.string(),
  definition_version: z.number().int(),
  definition: z.record(z.unknown()),
  triggers: z.array(z.string()),
  autonomy,
  paused: z.boolean(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type WorkflowRow = z.infer<typeof workflowRow>;

const columns = sql.fragment`org_unit_id, id, name, description, definition_version, definition, triggers, autonomy, paused, created_at, updated_at`;

export type WorkflowInstall = {
  orgUnitId: string;
  id: string;
  name: string;
  description: string;
  version: number;
  definition: Record<string, unknown>;
  triggers: readonly string[];
  defaultAutonomy: z.infer<typeof autonomy>;
};

/** Installs or updates a definition; the autonomy and pause an operator chose are kept. */
export async function installWorkflow(db: CommonQueryMethods, args: WorkflowInstall): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO workflows (org_unit_id, id, name, description, definition_version, definition, triggers, autonomy)
    VALUES (${args.orgUnitId}, ${args.id}, ${args.name}, ${args.description}, ${args.version},
            ${sql.jsonb(args.definition as never)}, ${sql.array(args.triggers, 'text')}, ${args.defaultAutonomy})
    ON CONFLICT (org_unit_id, id) DO UPDATE
       SET name = EXCLUDED.name, description = EXCLUDED.description, definition_version = EXCLUDED.definition_version,
           definition = EXCLUDED.definition, triggers = EXCLUDED.triggers, updated_at = now()
     WHERE workflows.definition_version <> EXCLUDED.definition_version OR workflows.triggers <> EXCLUDED.triggers
        OR workflows.name <> EXCLUDED.name OR workflows.description <> EXCLUDED.description`);
}

export async function listWorkflows(db: CommonQueryMethods, orgUnitId: string): Promise<readonly WorkflowRow[]> {
  return db.any(sql.type(workflowRow)`SELECT ${columns} FROM workflows WHERE org_unit_id = ${orgUnitId} ORDER BY id`);
}

export async function findWorkflow(db: CommonQueryMethods, orgUnitId: string, id: string): Promise<WorkflowRow | null> {
  return db.maybeOne(sql.type(workflowRow)`SELECT ${columns} FROM workflows WHERE org_unit_id = ${orgUnitId} AND id = ${id}`);
}

/** Sets the level and returns the row as it was before (null if there is no such workflow). */
export async function setWorkflowAutonomy(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; autonomy: z.infer<typeof autonomy> },
): Promise<{ before: WorkflowRow; after: WorkflowRow } | null> {
  const before = await db.maybeOne(sql.type(workflowRow)`
    SELECT ${columns} FROM workflows WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} FOR UPDATE`);
  if (!before) return null;
  const after = await db.one(sql.type(workflowRow)`
    UPDATE workflows SET autonomy = ${args.autonomy}, updated_at = now()
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} RETURNING ${columns}`);
  return { before, after };
}

export async function setWorkflowPaused(db: CommonQueryMethods, args: { orgUnitId: string; id: string; paused: boolean }): Promise<WorkflowRow | null> {
  return db.maybeOne(sql.type(workflowRow)`
    UPDATE workflows SET paused = ${args.paused}, updated_at = now()
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} RETURNING ${columns}`);
}
