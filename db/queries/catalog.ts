import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Bulk import of a shop's catalog: products and creators, keyed by sku and handle within an
 * org unit, so importing the same catalog again changes nothing. Re-imports refresh what
 * describes an item and leave alone what operations own (price, stock, commission, status):
 * a re-seed must never undo a pricing decision or break stock = sum of its movements.
 */

// Duplicates in one import would make the UPDATE below pick one of them arbitrarily.
const unique = <T>(key: (item: T) => string, what: string) => (items: readonly T[], context: z.RefinementCtx) => {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const value = key(item);
    if (seen.has(value)) context.addIssue({ code: 'custom', path: [index], message: `duplicate ${what} ${value}` });
    seen.add(value);
  });
};

const minorUnits = z.number().int().safe();

export const catalogProductInput = z.object({
  sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'sku must be 1–64 letters, digits, - or _'),
  name: z.string().min(1).max(300),
  category: z.string().min(1).max(100),
  priceMinor: minorUnits.positive(),
  unitCostMinor: minorUnits.nonnegative(),
  stock: z.number().int().nonnegative(),
  leadTimeDays: z.number().int().min(0).max(365),
  facts: z.record(z.unknown()),
});
export type CatalogProductInput = z.input<typeof catalogProductInput>;

export const catalogCreatorInput = z.object({
  handle: z.string().regex(/^[a-z0-9_.]{2,40}$/, 'handle must be 2–40 of a-z, 0-9, _ or .'),
  displayName: z.string().min(1).max(200),
  audience: z.number().int().nonnegative(),
  conversionBps: z.number().int().min(0).max(10_000),
  commissionBps: z.number().int().min(0).max(10_000),
});
export type CatalogCreatorInput = z.input<typeof catalogCreatorInput>;

const catalogImportInput = z.object({
  orgUnitId: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/),
  products: z.array(catalogProductInput).superRefine(unique((p) => p.sku, 'sku')).readonly(),
  creators: z.array(catalogCreatorInput).superRefine(unique((c) => c.handle, 'handle')).readonly(),
});
export type CatalogImportInput = z.input<typeof catalogImportInput>;

export const upsertCountsRow = z.object({ inserted: z.number().int(), updated: z.number().int() });
export const productUpsertCountsRow = upsertCountsRow.extend({ initial_movements: z.number().int() });

export const catalogCountRow = z.object({ products: z.number().int(), creators: z.number().int() });
export type CatalogCount = z.infer<typeof catalogCountRow>;

export type ImportCounts = Readonly<{ inserted: number; updated: number; unchanged: number }>;
export type CatalogImportResult = Readonly<{
  products: ImportCounts;
  creators: ImportCounts;
  /** 'initial' inventory movements written for newly created products with stock. */
  initialMovements: number;
}>;

type ParsedImport = z.output<typeof catalogImportInput>;

/** Imports products and creators atomically (a savepoint when called inside a transaction). */
export async function importCatalog(db: CommonQueryMethods, input: CatalogImportInput): Promise<CatalogImportResult> {
  const parsed = catalogImportInput.parse(input);
  return db.transaction(async (tx) => {
    const products = await upsertProducts(tx, parsed);
    const creators = await upsertCreators(tx, parsed);
    return {
      products: withUnchanged(products, parsed.products.length),
      creators: withUnchanged(creators, parsed.creators.length),
      initialMovements: products.initial_movements,
    };
  });
}

function withUnchanged(counts: { inserted: number; updated: number }, total: number): ImportCounts {
  return { inserted: counts.inserted, updated: counts.updated, unchanged: total - counts.inserted - counts.updated };
}

// The INSERT and UPDATE below share one snapshot: the UPDATE never sees rows the INSERT just
// created, so each input row is counted once, as new, changed or unchanged.
async function upsertProducts(db: CommonQueryMethods, input: ParsedImport): Promise<z.infer<typeof productUpsertCountsRow>> {
  const rows = input.products.map((p) => [
    p.sku, p.name, p.category, p.priceMinor, p.unitCostMinor, p.stock, p.leadTimeDays, JSON.stringify(p.facts),
  ]);
  return db.one(sql.type(productUpsertCountsRow)`
    WITH input AS (
      SELECT * FROM ${sql.unnest(rows, ['text', 'text', 'text', 'int8', 'int8', 'int4', 'int4', 'jsonb'])}
        AS t(sku, name, category, price_minor, unit_cost_minor, stock, lead_time_days, facts)
    ), inserted AS (
      INSERT INTO products (org_unit_id, sku, name, category, currency, price_minor, unit_cost_minor, stock, lead_time_days, facts)
      SELECT ${input.orgUnitId}, sku, name, category, ${input.currency}, price_minor, unit_cost_minor, stock, lead_time_days, facts
        FROM input
      ON CONFLICT (org_unit_id, sku) DO NOTHING
      RETURNING id, stock
    ), updated AS (
      UPDATE products p
         SET name = i.name, category = i.category, unit_cost_minor = i.unit_cost_minor,
             lead_time_days = i.lead_time_days, facts = i.facts, updated_at = now()
        FROM input i
       WHERE p.org_unit_id = ${input.orgUnitId} AND p.sku = i.sku
         AND (p.name, p.category, p.unit_cost_minor, p.lead_time_days, p.facts)
             IS DISTINCT FROM (i.name, i.category, i.unit_cost_minor, i.lead_time_days, i.facts)
      RETURNING p.id
    ), movements AS (
      INSERT INTO inventory_movements (org_unit_id, product_id, quantity_delta, reason, reference)
      SELECT ${input.orgUnitId}, id, stock, 'initial', 'catalog import' FROM inserted WHERE stock > 0
      RETURNING id
    )
    SELECT (SELECT count(*) FROM inserted)::int AS inserted,
           (SELECT count(*) FROM updated)::int AS updated,
           (SELECT count(*) FROM movements)::int AS initial_movements`);
}

async function upsertCreators(db: CommonQueryMethods, input: ParsedImport): Promise<z.infer<typeof upsertCountsRow>> {
  const rows = input.creators.map((c) => [c.handle, c.displayName, c.audience, c.conversionBps, c.commissionBps]);
  return db.one(sql.type(upsertCountsRow)`
    WITH input AS (
      SELECT * FROM ${sql.unnest(rows, ['text', 'text', 'int4', 'int4', 'int4'])}
        AS t(handle, display_name, audience, conversion_bps, commission_bps)
    ), inserted AS (
      INSERT INTO creators (org_unit_id, handle, display_name, audience, conversion_bps, commission_bps)
      SELECT ${input.orgUnitId}, handle, display_name, audience, conversion_bps, commission_bps FROM input
      ON CONFLICT (org_unit_id, handle) DO NOTHING
      RETURNING id
    ), updated AS (
      UPDATE creators c
         SET display_name = i.display_name, audience = i.audience
        FROM input i
       WHERE c.org_unit_id = ${input.orgUnitId} AND c.handle = i.handle
         AND (c.display_name, c.audience) IS DISTINCT FROM (i.display_name, i.audience)
      RETURNING c.id
    )
    SELECT (SELECT count(*) FROM inserted)::int AS inserted,
           (SELECT count(*) FROM updated)::int AS updated`);
}

export async function countCatalog(db: CommonQueryMethods, orgUnitId: string): Promise<CatalogCount> {
  return db.one(sql.type(catalogCountRow)`
    SELECT (SELECT count(*) FROM products WHERE org_unit_id = ${orgUnitId})::int AS products,
           (SELECT count(*) FROM creators WHERE org_unit_id = ${orgUnitId})::int AS creators`);
}
