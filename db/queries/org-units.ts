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

export const orgUnitSummaryRow = orgUnitRow.extend({
  products: z.number().int(),
  creators: z.number().int(),
  principals: z.number().int(),
  stream_seq: z.number().int(),
});
export type OrgUnitSummaryRow = z.infer<typeof orgUnitSummaryRow>;

export async function orgUnitSummary(db: CommonQueryMethods, id: string): Promise<OrgUnitSummaryRow | null> {
  return db.maybeOne(sql.type(orgUnitSummaryRow)`
    SELECT o.id, o.name, o.currency, o.timezone, o.created_at, o.stream_seq,
           (SELECT count(*)::int FROM products p WHERE p.org_unit_id = o.id) AS products,
           (SELECT count(*)::int FROM creators c WHERE c.org_unit_id = o.id) AS creators,
           (SELECT count(*)::int FROM principals r WHERE r.org_unit_id = o.id) AS principals
      FROM org_units o WHERE o.id = ${id}`);
}

export async function listOrgUnitIds(db: CommonQueryMethods): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM org_units ORDER BY id`);
}
