import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { productRow } from './products.js';

/**
 * Products as the workflows that write about them and price them need them: looked up by
 * SKU (what business events name) with the facts content must carry, and the active ones in
 * a stable order (the hourly pricing review takes them in turn).
 */
export const productSubjectRow = productRow.extend({ facts: z.record(z.unknown()) });
export type ProductSubjectRow = z.infer<typeof productSubjectRow>;

export async function findProductBySku(db: CommonQueryMethods, args: { orgUnitId: string; sku: string }): Promise<ProductSubjectRow | null> {
  return db.maybeOne(sql.type(productSubjectRow)`
    SELECT id, org_unit_id, sku, name, category, currency, price_minor, unit_cost_minor, stock, lead_time_days, status, updated_at, facts
      FROM products WHERE org_unit_id = ${args.orgUnitId} AND sku = ${args.sku}`);
}

const activeProductRow = z.object({ id: z.string().uuid(), sku: z.string() });

export async function listActiveProducts(db: CommonQueryMethods, orgUnitId: string): Promise<readonly z.infer<typeof activeProductRow>[]> {
  return db.any(sql.type(activeProductRow)`
    SELECT id, sku FROM products WHERE org_unit_id = ${orgUnitId} AND status = 'active' ORDER BY sku`);
}
