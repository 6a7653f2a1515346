import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const creatorRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  handle: z.string(),
  display_name: z.string(),
  audience: z.number().int(),
  conversion_bps: z.number().int(),
  commission_bps: z.number().int(),
  status: z.enum(['active', 'paused', 'offboarded']),
});
export type CreatorRow = z.infer<typeof creatorRow>;

const columns = sql.fragment`id, org_unit_id, handle, display_name, audience, conversion_bps, commission_bps, status`;

/** A page ordered by handle; `afterHandle` continues after the last one seen. */
export async function listCreators(
  db: CommonQueryMethods,
  args: { orgUnitId: string; limit: number; afterHandle?: string },
): Promise<readonly CreatorRow[]> {
  return db.any(sql.type(creatorRow)`
    SELECT ${columns} FROM creators
     WHERE org_unit_id = ${args.orgUnitId}
       ${args.afterHandle === undefined ? sql.fragment`` : sql.fragment`AND handle > ${args.afterHandle}`}
     ORDER BY handle
     LIMIT ${args.limit}`);
}

export async function findCreator(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<CreatorRow | null> {
  return db.maybeOne(sql.type(creatorRow)`
    SELECT ${columns} FROM creators WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** The creator's row, locked until the transaction ends: scheduling for one creator goes one at a time. */
export async function lockCreator(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<CreatorRow | null> {
  return db.maybeOne(sql.type(creatorRow)`
    SELECT ${columns} FROM creators WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} FOR UPDATE`);
}
