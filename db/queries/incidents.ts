import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { incidentSeverities, incidentSources, incidentStatuses, type IncidentSeverity, type IncidentSource, type IncidentStatus } from '../../engine/governance/record-states.js';
export { incidentSeverities, incidentSources, incidentStatuses, type IncidentSeverity, type IncidentSource, type IncidentStatus };

/**
 * Incidents (db/migrations/002_governance.sql): open → acknowledged → resolved, or open →
 * resolved. Each transition is an UPDATE conditional on the statuses it may start from, so
 * a transition that is not allowed changes nothing and the caller can say why.
 */


export const incidentRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  severity: z.enum(incidentSeverities),
  source: z.enum(incidentSources),
  title: z.string(),
  description: z.string(),
  status: z.enum(incidentStatuses),
  resolution: z.string().nullable(),
  links: z.array(z.record(z.string(), z.unknown())),
  opened_at: z.date(),
  acknowledged_at: z.date().nullable(),
  acknowledged_by: z.string().nullable(),
  resolved_at: z.date().nullable(),
  resolved_by: z.string().nullable(),
  updated_at: z.date(),
});
export type IncidentRow = z.infer<typeof incidentRow>;

const columns = sql.fragment`id, org_unit_id, severity, source, title, description, status, resolution, links,
  opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, updated_at`;

/** The columns a new incident is written with (links as JSON text). */
export type NewIncident = {
  orgUnitId: string;
  severity: IncidentSeverity;
  source: IncidentSource;
  title: string;
  description: string;
  linksJson: string;
};

export async function insertIncident(db: CommonQueryMethods, args: NewIncident & { at: Date }): Promise<IncidentRow> {
  return db.one(sql.type(incidentRow)`
    INSERT INTO incidents (org_unit_id, severity, source, title, description, links, opened_at, updated_at)
    VALUES (${args.orgUnitId}, ${args.severity}, ${args.source}, ${args.title}, ${args.description}, ${args.linksJson}::jsonb,
            ${sql.timestamp(args.at)}, ${sql.timestamp(args.at)})
    RETURNING ${columns}`);
}

/** open → acknowledged. Null when the incident is missing or not open. */
export async function acknowledgeOpenIncident(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; by: string; at: Date },
): Promise<IncidentRow | null> {
  return db.maybeOne(sql.type(incidentRow)`
    UPDATE incidents
       SET status = 'acknowledged', acknowledged_at = ${sql.timestamp(args.at)}, acknowledged_by = ${args.by}, updated_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'open'
    RETURNING ${columns}`);
}

/** open | acknowledged → resolved. Null when the incident is missing or already resolved. */
export async function resolveUnresolvedIncident(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; by: string; resolution: string; at: Date },
): Promise<IncidentRow | null> {
  return db.maybeOne(sql.type(incidentRow)`
    UPDATE incidents
       SET status = 'resolved', resolution = ${args.resolution}, resolved_at = ${sql.timestamp(args.at)}, resolved_by = ${args.by},
           updated_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status IN ('open', 'acknowledged')
    RETURNING ${columns}`);
}

export async function findIncident(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<IncidentRow | null> {
  return db.maybeOne(sql.type(incidentRow)`
    SELECT ${columns} FROM incidents WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** Newest first. */
export async function listIncidents(
  db: CommonQueryMethods,
  args: { orgUnitId: string; status?: IncidentStatus; severity?: IncidentSeverity; source?: IncidentSource; limit: number },
): Promise<readonly IncidentRow[]> {
  const filters = [sql.fragment`org_unit_id = ${args.orgUnitId}`];
  if (args.status !== undefined) filters.push(sql.fragment`status = ${args.status}`);
  if (args.severity !== undefined) filters.push(sql.fragment`severity = ${args.severity}`);
  if (args.source !== undefined) filters.push(sql.fragment`source = ${args.source}`);
  return db.any(sql.type(incidentRow)`
    SELECT ${columns} FROM incidents WHERE ${sql.join(filters, sql.fragment` AND `)}
     ORDER BY opened_at DESC, id LIMIT ${args.limit}`);
}
