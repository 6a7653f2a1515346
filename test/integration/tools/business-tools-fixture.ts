import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { importCatalog, type CatalogCreatorInput, type CatalogProductInput } from '../../../db/queries/catalog.js';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import type { Actor } from '../../../engine/governance/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { createLedgerService } from '../../../server/ledger/ledger-service.js';
import type { ToolImplementation, ToolReadContext, ToolServices } from '../../../server/tools/tool-implementation.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

export const startMs = Date.parse('2026-11-01T12:00:00Z');
export const orgA = 'tools_a';
export const orgB = 'tools_b';
export const operator: Actor = { id: 'user:olivia', kind: 'user', role: 'operator' };

const product = (sku: string, priceMinor: number, unitCostMinor: number): CatalogProductInput => ({
  sku, name: `Product ${sku}`, category: 'home', priceMinor, unitCostMinor, stock: 10, leadTimeDays: 7, facts: {},
});
const creator = (handle: string): CatalogCreatorInput => ({
  handle, displayName: handle, audience: 1000, conversionBps: 200, commissionBps: 1000,
});

/** The same catalog in each org unit, so a tool pointed at the wrong org finds rows that look right. */
const catalog = {
  products: [product('LAMP', 2500, 1700), product('MUG', 1200, 300), product('OLD', 900, 100)],
  creators: [creator('ana'), creator('ben'), creator('cy')],
};

export type ToolsFixture = Awaited<ReturnType<typeof createToolsFixture>>;

export async function createToolsFixture() {
  const db: TestDatabase = await createTestDatabase();
  const clock = manualClock(startMs);
  const services: ToolServices = { ledger: createLedgerService({ pool: db.pool, clock, logger: pino({ level: 'silent' }) }) };
  await db.pool.transaction(async (tx) => {
    for (const id of [orgA, orgB]) {
      await upsertOrgUnit(tx, { id, name: id });
      await importCatalog(tx, { orgUnitId: id, currency: 'USD', ...catalog });
      await tx.query(sql.unsafe`UPDATE products SET status = 'retired' WHERE org_unit_id = ${id} AND sku = 'OLD'`);
      await tx.query(sql.unsafe`UPDATE creators SET status = 'paused' WHERE org_unit_id = ${id} AND handle = 'cy'`);
    }
  });

  const idOf = (table: 'products' | 'creators', column: 'sku' | 'handle', key: string, orgUnitId = orgA) =>
    db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
      SELECT id FROM ${sql.identifier([table])} WHERE org_unit_id = ${orgUnitId} AND ${sql.identifier([column])} = ${key}`);

  const readContext = (orgUnitId: string): ToolReadContext => ({ db: db.pool, orgUnitId, clock, services });

  return {
    db,
    clock,
    productId: (sku: string, orgUnitId = orgA) => idOf('products', 'sku', sku, orgUnitId),
    creatorId: (handle: string, orgUnitId = orgA) => idOf('creators', 'handle', handle, orgUnitId),

    /** Parses the input as the router would, then executes inside one transaction. */
    async execute<I, O>(tool: ToolImplementation<I, O>, rawInput: unknown, orgUnitId = orgA): Promise<O> {
      const input = tool.spec.input.parse(rawInput);
      return db.pool.transaction((tx) =>
        tool.execute(
          { db: tx, orgUnitId, clock, services, actor: operator, idempotencyKey: randomUUID(), signal: new AbortController().signal },
          input,
        ),
      );
    },
    async precondition<I, O>(tool: ToolImplementation<I, O>, rawInput: unknown, orgUnitId = orgA): Promise<string | undefined> {
      if (tool.precondition === undefined) throw new Error(`${tool.spec.name} has no precondition`);
      return tool.precondition(readContext(orgUnitId), tool.spec.input.parse(rawInput));
    },
    async facts<I, O>(tool: ToolImplementation<I, O>, rawInput: unknown, orgUnitId = orgA) {
      if (tool.facts === undefined) throw new Error(`${tool.spec.name} has no facts`);
      return tool.facts(readContext(orgUnitId), tool.spec.input.parse(rawInput));
    },
    async simulate<I, O>(tool: ToolImplementation<I, O>, rawInput: unknown, orgUnitId = orgA) {
      if (tool.simulate === undefined) throw new Error(`${tool.spec.name} has no simulate`);
      return tool.simulate(readContext(orgUnitId), tool.spec.input.parse(rawInput));
    },

    async insertOrder(status: string, orgUnitId = orgA): Promise<string> {
      const productId = await idOf('products', 'sku', 'MUG', orgUnitId);
      return db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
        INSERT INTO orders (org_unit_id, external_id, product_id, quantity, currency, unit_price_minor, total_minor, status, placed_at)
        VALUES (${orgUnitId}, ${randomUUID()}, ${productId}, 2, 'USD', 1200, 2400, ${status}, now()) RETURNING id`);
    },

    /** Every business row of an org unit as text: equal before and after means nothing was touched. */
    async snapshot(orgUnitId: string): Promise<string> {
      const rows = await db.pool.anyFirst(sql.type(z.object({ row: z.string() }))`
        SELECT row FROM (
          SELECT 'product ' || row_to_json(p)::text AS row FROM products p WHERE org_unit_id = ${orgUnitId}
          UNION ALL SELECT 'creator ' || row_to_json(c)::text FROM creators c WHERE org_unit_id = ${orgUnitId}
          UNION ALL SELECT 'stream ' || row_to_json(s)::text FROM streams s WHERE org_unit_id = ${orgUnitId}
          UNION ALL SELECT 'order ' || row_to_json(o)::text FROM orders o WHERE org_unit_id = ${orgUnitId}
          UNION ALL SELECT 'content ' || row_to_json(ci)::text FROM content_items ci WHERE org_unit_id = ${orgUnitId}
          UNION ALL SELECT 'ad ' || row_to_json(a)::text FROM ad_budgets a WHERE org_unit_id = ${orgUnitId}
        ) t ORDER BY row`);
      return rows.join('\n');
    },
  };
}

/** The zod paths at fault when the tool's input schema refuses `rawInput`. */
export function rejectedPaths<I, O>(tool: ToolImplementation<I, O>, rawInput: unknown): string[] {
  const parsed = tool.spec.input.safeParse(rawInput);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => issue.path.join('.'));
}

export const hoursFromStart = (hours: number): string => new Date(startMs + hours * 3_600_000).toISOString();
