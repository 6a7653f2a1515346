import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { readerRoles } from '../../../engine/kernel/index.js';
import { listCreators, type CreatorRow } from '../../../db/queries/creators.js';
import { findProduct, listProducts, type ProductRow } from '../../../db/queries/products.js';
import { orgUnitIdSchema, pageOf, uuidSchema } from '../../contracts/common.js';
import { creatorDto, listCreatorsQuery, listProductsQuery, productDto, type CreatorDto, type ProductDto } from '../../contracts/catalog.js';
import { notFound } from '../../errors/catalog.js';
import { defineOperation } from '../operation.js';

function toProductDto(row: ProductRow): ProductDto {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    category: row.category,
    currency: row.currency,
    priceMinor: row.price_minor,
    unitCostMinor: row.unit_cost_minor,
    stock: row.stock,
    leadTimeDays: row.lead_time_days,
    status: row.status,
    updatedAt: row.updated_at.toISOString(),
  };
}

function toCreatorDto(row: CreatorRow): CreatorDto {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    audience: row.audience,
    conversionBps: row.conversion_bps,
    commissionBps: row.commission_bps,
    status: row.status,
  };
}

/** A full page means there may be more: the cursor is the last key. */
const nextCursor = <T>(rows: readonly T[], limit: number, key: (row: T) => string) =>
  rows.length === limit ? key(rows[rows.length - 1] as T) : null;

export function catalogOperations(deps: { pool: DatabasePool }) {
  return {
    listProducts: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/products',
      summary: 'A page of the catalog, ordered by SKU (money in integer minor units)',
      tags: ['catalog'],
      access: readerRoles,
      input: listProductsQuery.extend({ orgUnitId: orgUnitIdSchema }),
      output: pageOf(productDto),
      async handle(_principal, input) {
        const rows = await listProducts(deps.pool, { orgUnitId: input.orgUnitId, limit: input.limit, afterSku: input.after, category: input.category });
        return { items: rows.map(toProductDto), nextCursor: nextCursor(rows, input.limit, (row) => row.sku) };
      },
    }),
    getProduct: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/products/:productId',
      summary: 'One product',
      tags: ['catalog'],
      access: readerRoles,
      input: z.object({ orgUnitId: orgUnitIdSchema, productId: uuidSchema }).strict(),
      output: productDto,
      async handle(_principal, { orgUnitId, productId }) {
        const row = await findProduct(deps.pool, { orgUnitId, id: productId });
        if (!row) throw notFound(`Product ${productId}`);
        return toProductDto(row);
      },
    }),
    listCreators: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/creators',
      summary: 'A page of creators, ordered by handle',
      tags: ['catalog'],
      access: readerRoles,
      input: listCreatorsQuery.extend({ orgUnitId: orgUnitIdSchema }),
      output: pageOf(creatorDto),
      async handle(_principal, input) {
        const rows = await listCreators(deps.pool, { orgUnitId: input.orgUnitId, limit: input.limit, afterHandle: input.after });
        return { items: rows.map(toCreatorDto), nextCursor: nextCursor(rows, input.limit, (row) => row.handle) };
      },
    }),
  };
}
