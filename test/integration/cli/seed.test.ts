import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findTokenWithPrincipal } from '../../../db/queries/api-tokens.js';
import { listPrincipals } from '../../../db/queries/principals.js';
import { generateCatalog } from '../../../engine/world/index.js';
import { tokenMatches } from '../../../server/auth/api-token.js';
import { seedDefaultOrgUnitIfMissing, seedOrgUnit, type SeedOptions, type SeedResult } from '../../../server/cli/commands/seed.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { capturedCliContext } from '../../support/in-process-cli.js';

/** The seed command's work, in process against a schema of its own. */
let db: TestDatabase;
const options: SeedOptions = { orgUnitId: 'lsn_main', name: 'Live Shopping Network', seed: 7, products: 240, creators: 36 };
const seed = (overrides: Partial<SeedOptions> = {}): Promise<SeedResult> =>
  seedOrgUnit(db.pool, { ...options, ...overrides }, { now: Date.now(), progress: () => {} });
const count = z.object({ n: z.number() });

let first: SeedResult;
let second: SeedResult;

beforeAll(async () => {
  db = await createTestDatabase();
  first = await seed();
  second = await seed();
});
afterAll(async () => {
  await db.close();
});

describe('seedOrgUnit', () => {
  it('creates the org unit, the whole catalog and one principal per role', async () => {
    expect(first.orgUnit).toEqual({ id: 'lsn_main', name: 'Live Shopping Network' });
    expect(first.catalog.products).toEqual({ inserted: 240, updated: 0, unchanged: 0 });
    expect(first.catalog.creators).toEqual({ inserted: 36, updated: 0, unchanged: 0 });
    expect(first.catalog.totals).toEqual({ products: 240, creators: 36 });
    const principals = await listPrincipals(db.pool, 'lsn_main');
    expect(principals.map((p) => [p.name, p.role, p.kind]).sort()).toEqual([
      ['agent', 'agent', 'agent'],
      ['founder', 'founder', 'user'],
      ['operator', 'operator', 'user'],
      ['viewer', 'viewer', 'user'],
    ]);
  });

  it('stores the generated catalog exactly, money in minor units', async () => {
    const expected = generateCatalog({ seed: 7 }).products[0]!;
    const stored = await db.pool.one(sql.type(
      z.object({ name: z.string(), price_minor: z.number(), unit_cost_minor: z.number(), stock: z.number(), facts: z.unknown() }),
    )`SELECT name, price_minor, unit_cost_minor, stock, facts FROM products WHERE org_unit_id = 'lsn_main' AND sku = ${expected.sku}`);
    expect(stored).toEqual({
      name: expected.name,
      price_minor: expected.priceMinor,
      unit_cost_minor: expected.unitCostMinor,
      stock: expected.stock,
      facts: expected.facts,
    });
  });

  it('records an initial inventory movement for each product in stock, once', async () => {
    const inStock = generateCatalog({ seed: 7 }).products.filter((p) => p.stock > 0).length;
    expect(first.catalog.initialMovements).toBe(inStock);
    expect(second.catalog.initialMovements).toBe(0);
    const mismatched = await db.pool.oneFirst(sql.type(count)`
      SELECT count(*)::int AS n FROM products p
       WHERE p.org_unit_id = 'lsn_main'
         AND p.stock <> (SELECT coalesce(sum(m.quantity_delta), 0) FROM inventory_movements m
                          WHERE m.org_unit_id = p.org_unit_id AND m.product_id = p.id)`);
    expect(mismatched).toBe(0);
  });

  it('changes nothing when run again, but issues fresh tokens', async () => {
    expect(second.catalog.products).toEqual({ inserted: 0, updated: 0, unchanged: 240 });
    expect(second.catalog.creators).toEqual({ inserted: 0, updated: 0, unchanged: 36 });
    expect(second.catalog.totals).toEqual({ products: 240, creators: 36 });
    expect((await listPrincipals(db.pool, 'lsn_main')).length).toBe(4);
    const firstTokens = new Set(first.tokens.map((t) => t.token));
    expect(second.tokens.some((t) => firstTokens.has(t.token))).toBe(false);
  });

  it('issues tokens that authenticate as their role', async () => {
    expect(second.tokens.map((t) => t.principal.role)).toEqual(['founder', 'operator', 'viewer', 'agent']);
    for (const issued of second.tokens) {
      const row = await findTokenWithPrincipal(db.pool, issued.id);
      expect(row?.role).toBe(issued.principal.role);
      expect(tokenMatches(issued.token, row?.secret_sha256 ?? '')).toBe(true);
    }
  });

  it('refreshes descriptions on a re-seed but keeps the price operations have set', async () => {
    const own = { orgUnitId: 'lsn_refresh', products: 20, creators: 2 };
    await seed(own);
    const sku = generateCatalog({ seed: 7 }).products[1]!.sku;
    await db.pool.query(sql.unsafe`
      UPDATE products SET price_minor = 123499, name = 'Renamed by hand' WHERE org_unit_id = 'lsn_refresh' AND sku = ${sku}`);
    const again = await seed(own);
    expect(again.catalog.products).toEqual({ inserted: 0, updated: 1, unchanged: 19 });
    const product = await db.pool.one(sql.type(z.object({ name: z.string(), price_minor: z.number() }))`
      SELECT name, price_minor FROM products WHERE org_unit_id = 'lsn_refresh' AND sku = ${sku}`);
    expect(product.price_minor).toBe(123499);
    expect(product.name).toBe(generateCatalog({ seed: 7 }).products[1]!.name);
  });

  it('adds only the new products when asked for more', async () => {
    await seed({ orgUnitId: 'lsn_grow', products: 20, creators: 2 });
    const grown = await seed({ orgUnitId: 'lsn_grow', products: 30, creators: 2 });
    expect(grown.catalog.products).toEqual({ inserted: 10, updated: 0, unchanged: 20 });
    expect(grown.catalog.totals).toEqual({ products: 30, creators: 2 });
  });

  it('seeds the default org unit on a first start only, printing its tokens', async () => {
    const fresh = await createTestDatabase();
    try {
      const { context, stdout } = capturedCliContext();
      const seeded = await seedDefaultOrgUnitIfMissing(context, fresh.pool);
      expect(seeded?.catalog.totals).toEqual({ products: 240, creators: 36 });
      expect(stdout()).toContain(seeded?.tokens[0]?.token);
      expect(await seedDefaultOrgUnitIfMissing(context, fresh.pool)).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });
});
