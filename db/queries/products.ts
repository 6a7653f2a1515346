import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const productRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  currency: z.string(),
  price_minor: z.number().int(),
  unit_cost_minor: z.number().int(),
  stock: z.number().int(),
  lead_time_days: z.number().int(),
  status: z.enum(['active', 'paused', 'retired']),
  updated_at: z.date(),
});
export type ProductRow = z.infer<typeof productRow>;

const columns = sql.fragment`id, org_unit_id, sku, name, category, currency, price_minor, unit_cost_minor, stock, lead_time_days, status, updated_at`;

/** A page ordered by sku; `afterSku` continues after the last one seen. */
export async function listProducts(
  db: CommonQueryMethods,
  args: { orgUnitId: string; limit: number; afterSku?: string; category?: string },
): Promise<readonly ProductRow[]> {
  return db.any(sql.type(productRow)`
    SELECT ${columns} FROM products
     WHERE org_unit_id = ${args.orgUnitId}
       ${args.afterSku === undefined ? sql.fragment`` : sql.fragment`AND sku > ${args.afterSku}`}
       ${args.category === undefined ? sql.fragment`` : sql.fragment`AND category = ${args.category}`}
     ORDER BY sku
     LIMIT ${args.limit}`);
}

export async function findProduct(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<ProductRow | null> {
  return db.maybeOne(sql.type(productRow)`
    SELECT ${columns} FROM products WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}
