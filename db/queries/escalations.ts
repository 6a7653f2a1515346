import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * An escalation names its idempotency key in its incident's description, so a repeat of the
 * same escalation (after a crash) finds the incident it opened instead of opening another.
 */
export function escalationKeyLine(key: string): string {
  return `Escalation key: ${key}`;
}

export async function findIncidentByEscalationKey(db: CommonQueryMethods, args: { orgUnitId: string; key: string }): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    SELECT id FROM incidents
     WHERE org_unit_id = ${args.orgUnitId} AND position(${escalationKeyLine(args.key)} IN description) > 0
     ORDER BY opened_at LIMIT 1`);
}
