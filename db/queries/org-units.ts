import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const orgUnitRow = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  created_at: z.date(),
});
export type OrgUnitRow = z.infer<typeof orgUnitRow>;

export async function upsertOrgUnit(
  db: CommonQueryMethods,
  args: { id: string; name: string; currency?: string; timezone?: string },
): Promise<OrgUnitRow> {
  return db.one(sql.type(orgUnitRow)`
    INSERT INTO org_units (id, name, currency, timezone)
    VALUES (${args.id}, ${args.name}, ${args.currency ?? 'USD'}, ${args.timezone ?? 'UTC'})
    ON CONFLICT (id) DO UPDATE SET name = excluded.name
    RETURNING id, name, currency, timezone, created_at`);
}

export async function findOrgUnit(db: CommonQueryMethods, id: string): Promise<OrgUnitRow | null> {
  return db.maybeOne(sql.type(orgUnitRow)`
    SELECT id, name, currency, timezone, created_at FROM org_units WHERE id = ${id}`);
}
