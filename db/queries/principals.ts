import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { roles } from '../../engine/kernel/index.js';

export const principalRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  kind: z.enum(['user', 'agent']),
  name: z.string(),
  role: z.enum(roles),
  created_at: z.date(),
  disabled_at: z.date().nullable(),
});
export type PrincipalRow = z.infer<typeof principalRow>;

const columns = sql.fragment`id, org_unit_id, kind, name, role, created_at, disabled_at`;

/** Creates the principal, or returns the existing one of that name unchanged (its role included). */
export async function upsertPrincipal(
  db: CommonQueryMethods,
  args: { orgUnitId: string; name: string; role: PrincipalRow['role'] },
): Promise<PrincipalRow> {
  const kind = args.role === 'agent' ? 'agent' : 'user';
  return db.one(sql.type(principalRow)`
    INSERT INTO principals (org_unit_id, kind, name, role)
    VALUES (${args.orgUnitId}, ${kind}, ${args.name}, ${args.role})
    ON CONFLICT (org_unit_id, name) DO UPDATE SET name = principals.name
    RETURNING ${columns}`);
}

export async function listPrincipals(db: CommonQueryMethods, orgUnitId: string): Promise<readonly PrincipalRow[]> {
  return db.any(sql.type(principalRow)`
    SELECT ${columns} FROM principals WHERE org_unit_id = ${orgUnitId} ORDER BY created_at, name`);
}
