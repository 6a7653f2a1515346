import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { readerRoles } from '../../engine/kernel/index.js';
import { orgUnitSummary, type OrgUnitSummaryRow } from '../../db/queries/org-units.js';
import { principalOf } from '../auth/auth-plugin.js';
import { orgParamsSchema } from '../contracts/common.js';
import type { MeDto, OrgUnitDto } from '../contracts/org-units.js';
import { notFound } from '../errors/catalog.js';
import { parseInput } from '../http/parse-input.js';

const summaryCacheMs = 1_000;

function toOrgUnitDto(row: OrgUnitSummaryRow): OrgUnitDto {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    timezone: row.timezone,
    createdAt: row.created_at.toISOString(),
    counts: { products: row.products, creators: row.creators, principals: row.principals },
    streamSeq: row.stream_seq,
  };
}

export function orgUnitRoutes(app: FastifyInstance, deps: { pool: DatabasePool }): void {
  // The summary is read on every console page load; a second-old answer is fine and
  // keeps this hot route off the database.
  const summaries = new Map<string, { dto: OrgUnitDto; until: number }>();

  app.get('/api/me', { config: { access: readerRoles } }, (request): MeDto => {
    const principal = principalOf(request);
    return {
      principal: { id: principal.id, name: principal.name, kind: principal.kind, role: principal.role },
      orgUnitId: principal.orgUnitId,
    };
  });

  app.get('/api/org-units/:orgUnitId', { config: { access: readerRoles } }, async (request): Promise<OrgUnitDto> => {
    const { orgUnitId } = parseInput(orgParamsSchema, request.params, 'params');
    const now = Date.now();
    const cached = summaries.get(orgUnitId);
    if (cached && cached.until > now) return cached.dto;
    const row = await orgUnitSummary(deps.pool, orgUnitId);
    if (!row) throw notFound(`Org unit ${orgUnitId}`);
    const dto = toOrgUnitDto(row);
    summaries.set(orgUnitId, { dto, until: now + summaryCacheMs });
    return dto;
  });
}
