import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const goalRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  title: z.string(),
  type: z.enum(['okr', 'kpi', 'milestone', 'guardrail']),
  metric: z.string(),
  /** numeric(24, 6), as a decimal string without trailing zeros. */
  target_value: z.string(),
  current_value: z.string(),
  deadline: z.date().nullable(),
  status: z.enum(['active', 'achieved', 'missed', 'cancelled']),
  created_at: z.date(),
});
export type GoalRow = z.infer<typeof goalRow>;

// trim_scale: numeric(24, 6) would print "100000.000000" where the caller wrote "100000".
const columns = sql.fragment`id, org_unit_id, title, type, metric, trim_scale(target_value)::text AS target_value,
  trim_scale(current_value)::text AS current_value, deadline, status, created_at`;

export async function insertGoal(
  db: CommonQueryMethods,
  args: { orgUnitId: string; title: string; type: GoalRow['type']; metric: string; targetValue: string; deadline: Date | null; createdBy: string | null },
): Promise<GoalRow> {
  return db.one(sql.type(goalRow)`
    INSERT INTO goals (org_unit_id, title, type, metric, target_value, deadline, created_by)
    VALUES (${args.orgUnitId}, ${args.title}, ${args.type}, ${args.metric}, ${args.targetValue},
            ${args.deadline ? sql.timestamp(args.deadline) : null}, ${args.createdBy})
    RETURNING ${columns}`);
}

export async function listGoals(db: CommonQueryMethods, args: { orgUnitId: string; limit: number }): Promise<readonly GoalRow[]> {
  return db.any(sql.type(goalRow)`
    SELECT ${columns} FROM goals WHERE org_unit_id = ${args.orgUnitId} ORDER BY created_at DESC, id LIMIT ${args.limit}`);
}

/** Records the latest measurement, and the status it implies, on a goal still open. */
export async function recordGoalProgress(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; currentValue: string; status: GoalRow['status']; at: Date },
): Promise<GoalRow> {
  return db.one(sql.type(goalRow)`
    UPDATE goals SET current_value = ${args.currentValue},
           status = CASE WHEN status = 'cancelled' THEN status ELSE ${args.status} END,
           updated_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}
    RETURNING ${columns}`);
}

const metricRow = z.object({ revenue: z.string(), orders: z.string() });

/**
 * The window's revenue (major units of the org unit's currency: orders placed less refunds
 * and chargebacks) and order count, from the business events as the shop posted them.
 */
export async function trailingSales(db: CommonQueryMethods, args: { orgUnitId: string; since: Date; until: Date }): Promise<z.infer<typeof metricRow>> {
  return db.one(sql.type(metricRow)`
    SELECT trim_scale((COALESCE(sum(CASE WHEN e.type = 'order.placed'
                              THEN (e.payload->>'quantity')::numeric * (e.payload->>'unitPriceMinor')::numeric
                              ELSE -(e.payload->>'amountMinor')::numeric END), 0) / 100)::numeric(24, 6))::text AS revenue,
           count(*) FILTER (WHERE e.type = 'order.placed')::text AS orders
      FROM org_units u
      LEFT JOIN events e ON e.org_unit_id = u.id AND e.payload->>'currency' = u.currency
                        AND e.type IN ('order.placed', 'order.refunded', 'chargeback.received')
                        AND e.occurred_at > ${sql.timestamp(args.since)} AND e.occurred_at <= ${sql.timestamp(args.until)}
     WHERE u.id = ${args.orgUnitId}`);
}
