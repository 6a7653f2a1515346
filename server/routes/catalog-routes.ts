import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { readerRoles } from '../../engine/kernel/index.js';
import { listCreators, type CreatorRow } from '../../db/queries/creators.js';
import { findProduct, listProducts, type ProductRow } from '../../db/queries/products.js';
import { orgParamsSchema, orgUnitIdSchema, uuidSchema, type Page } from '../contracts/common.js';
import { listCreatorsQuery, listProductsQuery, type CreatorDto, type ProductDto } from '../contracts/catalog.js';
import { notFound } from '../errors/catalog.js';
import { parseInput } from '../http/parse-input.js';

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

const productParams = z.object({ orgUnitId: orgUnitIdSchema, productId: uuidSchema }).strict();

export function catalogRoutes(app: FastifyInstance, deps: { pool: DatabasePool }): void {
  app.get('/api/org-units/:orgUnitId/products', { config: { access: readerRoles } }, async (request): Promise<Page<ProductDto>> => {
    const { orgUnitId } = parseInput(orgParamsSchema, request.params, 'params');
    const query = parseInput(listProductsQuery, request.query, 'query');
    const rows = await listProducts(deps.pool, { orgUnitId, limit: query.limit, afterSku: query.after, category: query.category });
    return { items: rows.map(toProductDto), nextCursor: rows.length === query.limit ? (rows.at(-1)?.sku ?? null) : null };
  });

  app.get('/api/org-units/:orgUnitId/products/:productId', { config: { access: readerRoles } }, async (request): Promise<ProductDto> => {
    const { orgUnitId, productId } = parseInput(productParams, request.params, 'params');
    const row = await findProduct(deps.pool, { orgUnitId, id: productId });
    if (!row) throw notFound(`Product ${productId}`);
    return toProductDto(row);
  });

  app.get('/api/org-units/:orgUnitId/creators', { config: { access: readerRoles } }, async (request): Promise<Page<CreatorDto>> => {
    const { orgUnitId } = parseInput(orgParamsSchema, request.params, 'params');
    const query = parseInput(listCreatorsQuery, request.query, 'query');
    const rows = await listCreators(deps.pool, { orgUnitId, limit: query.limit, afterHandle: query.after });
    return { items: rows.map(toCreatorDto), nextCursor: rows.length === query.limit ? (rows.at(-1)?.handle ?? null) : null };
  });
}
