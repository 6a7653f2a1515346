import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { killSwitchScopes, type KillSwitchScope } from '../../engine/governance/index.js';

/**
 * Kill switch engagements (db/migrations/002_governance.sql): a scope is engaged while it
 * has a row without a release, and a partial unique index allows one such row per scope.
 * Also the switch's effect on workflows, which lives with the switch rather than with the
 * workflow queries because only the switch pauses and resets them this way.
 */

export const killSwitchEventRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  scope: z.enum(killSwitchScopes),
  reason: z.string(),
  engaged_by: z.string(),
  engaged_at: z.date(),
  incident_id: z.string().uuid().nullable(),
  released_by: z.string().nullable(),
  release_reason: z.string().nullable(),
  released_at: z.date().nullable(),
});
export type KillSwitchEventRow = z.infer<typeof killSwitchEventRow>;

const columns = sql.fragment`id, org_unit_id, scope, reason, engaged_by, engaged_at, incident_id, released_by, release_reason, released_at`;

/** Engages the scope. Null when it is already engaged (the partial unique index held). */
export async function insertKillSwitchEvent(
  db: CommonQueryMethods,
  args: { orgUnitId: string; scope: KillSwitchScope; reason: string; engagedBy: string; incidentId: string; at: Date },
): Promise<KillSwitchEventRow | null> {
  return db.maybeOne(sql.type(killSwitchEventRow)`
    INSERT INTO kill_switch_events (org_unit_id, scope, reason, engaged_by, incident_id, engaged_at)
    VALUES (${args.orgUnitId}, ${args.scope}, ${args.reason}, ${args.engagedBy}, ${args.incidentId}, ${sql.timestamp(args.at)})
    ON CONFLICT DO NOTHING
    RETURNING ${columns}`);
}

/** Releases the scope's engagement. Null when the scope is not engaged. */
export async function releaseKillSwitchEvent(
  db: CommonQueryMethods,
  args: { orgUnitId: string; scope: KillSwitchScope; reason: string; releasedBy: string; at: Date },
): Promise<KillSwitchEventRow | null> {
  return db.maybeOne(sql.type(killSwitchEventRow)`
    UPDATE kill_switch_events
       SET released_by = ${args.releasedBy}, release_reason = ${args.reason}, released_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND scope = ${args.scope} AND released_at IS NULL
    RETURNING ${columns}`);
}

/** The engagements in force, oldest first. */
export async function listEngagedKillSwitches(db: CommonQueryMethods, orgUnitId: string): Promise<readonly KillSwitchEventRow[]> {
  return db.any(sql.type(killSwitchEventRow)`
    SELECT ${columns} FROM kill_switch_events
     WHERE org_unit_id = ${orgUnitId} AND released_at IS NULL
     ORDER BY engaged_at, scope`);
}

/** Just the engaged scopes: what the governor re-reads on every refresh. */
export async function engagedKillSwitchScopes(db: CommonQueryMethods, orgUnitId: string): Promise<readonly KillSwitchScope[]> {
  return db.anyFirst(sql.type(z.object({ scope: z.enum(killSwitchScopes) }))`
    SELECT scope FROM kill_switch_events WHERE org_unit_id = ${orgUnitId} AND released_at IS NULL`);
}

/**
 * A workflow belongs to a domain when its definition lists a tool of that domain under
 * `tools` (the tools its steps may call); every workflow belongs to `global`. A workflow
 * that lists no tools is left running by a domain switch, whose tools are refused anyway.
 */
const workflowTools = sql.fragment`jsonb_array_elements_text(
  CASE WHEN jsonb_typeof(w.definition -> 'tools') = 'array' THEN w.definition -> 'tools' ELSE '[]'::jsonb END)`;

function inScope(scopes: readonly KillSwitchScope[]) {
  return sql.fragment`('global' = ANY(${sql.array(scopes, 'text')})
    OR EXISTS (SELECT 1 FROM ${workflowTools} AS t(tool) WHERE split_part(t.tool, '.', 1) = ANY(${sql.array(scopes, 'text')})))`;
}

const workflowIds = z.object({ id: z.string() });

/** Pauses the org unit's workflows in the scope; returns the ids it paused. */
export async function pauseWorkflowsInScope(
  db: CommonQueryMethods,
  args: { orgUnitId: string; scope: KillSwitchScope; at: Date },
): Promise<readonly string[]> {
  return db.anyFirst(sql.type(workflowIds)`
    UPDATE workflows w SET paused = true, updated_at = ${sql.timestamp(args.at)}
     WHERE w.org_unit_id = ${args.orgUnitId} AND NOT w.paused AND ${inScope([args.scope])}
    RETURNING w.id`);
}

/**
 * After a release: the workflows in the released scope go to A0 manual, never back to the
 * autonomy they had, and run again unless a scope still engaged also covers them.
 */
export async function resetWorkflowsAfterRelease(
  db: CommonQueryMethods,
  args: { orgUnitId: string; scope: KillSwitchScope; stillEngaged: readonly KillSwitchScope[]; at: Date },
): Promise<readonly { id: string; paused: boolean }[]> {
  return db.any(sql.type(z.object({ id: z.string(), paused: z.boolean() }))`
    UPDATE workflows w
       SET autonomy = 'a0_manual', paused = ${args.stillEngaged.length === 0 ? sql.fragment`false` : inScope(args.stillEngaged)},
           updated_at = ${sql.timestamp(args.at)}
     WHERE w.org_unit_id = ${args.orgUnitId} AND ${inScope([args.scope])}
    RETURNING w.id, w.paused`);
}
