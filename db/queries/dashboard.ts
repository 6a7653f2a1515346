import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const dashboardCountsRow = z.object({
  pending_approvals: z.number(),
  open_incidents: z.number(),
  paused_workflows: z.number(),
  stream_seq: z.number(),
});
export type DashboardCountsRow = z.infer<typeof dashboardCountsRow>;

/** The dashboard's counters in one round trip. */
export async function dashboardCounts(db: CommonQueryMethods, orgUnitId: string): Promise<DashboardCountsRow> {
  return db.one(sql.type(dashboardCountsRow)`
    SELECT
      (SELECT count(*)::int FROM approvals WHERE org_unit_id = ${orgUnitId} AND status = 'pending') AS pending_approvals,
      (SELECT count(*)::int FROM incidents WHERE org_unit_id = ${orgUnitId} AND status <> 'resolved') AS open_incidents,
      (SELECT count(*)::int FROM workflows WHERE org_unit_id = ${orgUnitId} AND paused) AS paused_workflows,
      (SELECT stream_seq FROM org_units WHERE id = ${orgUnitId}) AS stream_seq`);
}

export const snapshotRow = z.object({ occurred_at: z.date(), payload: z.record(z.unknown()) });
export type SnapshotRow = z.infer<typeof snapshotRow>;

/** The newest `limit` metrics.snapshot events, oldest first. */
export async function latestSnapshots(db: CommonQueryMethods, args: { orgUnitId: string; limit: number }): Promise<readonly SnapshotRow[]> {
  return db.any(sql.type(snapshotRow)`
    SELECT occurred_at, payload FROM (
      SELECT occurred_at, payload FROM events
       WHERE org_unit_id = ${args.orgUnitId} AND type = 'metrics.snapshot'
       ORDER BY occurred_at DESC LIMIT ${args.limit}
    ) newest ORDER BY occurred_at`);
}

export const annotationRow = z.object({ at: z.date(), kind: z.enum(['kill_switch', 'policy', 'incident']), label: z.string() });
export type AnnotationRow = z.infer<typeof annotationRow>;

/** Kill-switch engagements and releases, policy activations and opened incidents since `from`, oldest first. */
export async function governanceAnnotations(db: CommonQueryMethods, args: { orgUnitId: string; from: Date; limit: number }): Promise<readonly AnnotationRow[]> {
  const from = sql.timestamp(args.from);
  return db.any(sql.type(annotationRow)`
    SELECT at, kind, label FROM (
      SELECT engaged_at AS at, 'kill_switch' AS kind, 'Kill switch engaged (' || scope || '): ' || reason AS label
        FROM kill_switch_events WHERE org_unit_id = ${args.orgUnitId} AND engaged_at >= ${from}
      UNION ALL
      SELECT released_at, 'kill_switch', 'Kill switch released (' || scope || ')'
        FROM kill_switch_events WHERE org_unit_id = ${args.orgUnitId} AND released_at >= ${from}
      UNION ALL
      SELECT activated_at, 'policy', 'Policy ' || name || ' v' || version || ' activated'
        FROM policies WHERE org_unit_id = ${args.orgUnitId} AND activated_at >= ${from} AND NOT builtin
      UNION ALL
      SELECT opened_at, 'incident', 'Incident (' || severity || '): ' || title
        FROM incidents WHERE org_unit_id = ${args.orgUnitId} AND opened_at >= ${from}
    ) happenings ORDER BY at LIMIT ${args.limit}`);
}
