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

export const repricedProductRow = productRow.extend({ previous_price_minor: z.number().int() });

/** Sets an active product's price. Null when the product is missing or not active. */
export async function setActiveProductPrice(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; priceMinor: number; at: Date },
): Promise<z.infer<typeof repricedProductRow> | null> {
  // The CTE locks the row first, so the previous price it reports is the one replaced.
  return db.maybeOne(sql.type(repricedProductRow)`
    WITH previous AS (
      SELECT id, price_minor FROM products
       WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'active'
       FOR UPDATE
    )
    UPDATE products p SET price_minor = ${args.priceMinor}, updated_at = ${sql.timestamp(args.at)}
      FROM previous
     WHERE p.org_unit_id = ${args.orgUnitId} AND p.id = previous.id AND p.status = 'active'
    RETURNING p.id, p.org_unit_id, p.sku, p.name, p.category, p.currency, p.price_minor, p.unit_cost_minor, p.stock,
              p.lead_time_days, p.status, p.updated_at, previous.price_minor AS previous_price_minor`);
}

export const productStatusRow = productRow.pick({ id: true, status: true });

/** Id and status of each of the org unit's products among `ids` (missing ones are left out). */
export async function findProductStatuses(
  db: CommonQueryMethods,
  args: { orgUnitId: string; ids: readonly string[] },
): Promise<readonly z.infer<typeof productStatusRow>[]> {
  return db.any(sql.type(productStatusRow)`
    SELECT id, status FROM products WHERE org_unit_id = ${args.orgUnitId} AND id = ANY(${sql.array([...args.ids], 'uuid')})`);
}

export const productPriceRow = productRow.pick({ sku: true, price_minor: true, status: true });

/** Every product's SKU, current price and status: what a shop's storefront shows today. */
export async function listProductPrices(db: CommonQueryMethods, orgUnitId: string): Promise<readonly z.infer<typeof productPriceRow>[]> {
  return db.any(sql.type(productPriceRow)`
    SELECT sku, price_minor, status FROM products WHERE org_unit_id = ${orgUnitId} ORDER BY sku`);
}
