import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { readerRoles } from '../../../engine/kernel/index.js';
import { orgUnitSummary, type OrgUnitSummaryRow } from '../../../db/queries/org-units.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import { meDto, orgUnitDto, type OrgUnitDto } from '../../contracts/org-units.js';
import { notFound } from '../../errors/catalog.js';
import { defineOperation } from '../operation.js';

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

export function orgUnitOperations(deps: { pool: DatabasePool; now: () => number }) {
  // The summary is read on every console page load; a second-old answer is fine and
  // keeps this hot route off the database.
  // Concurrent misses share one query (the promise is cached), so an expiry under load
  // costs one database round trip, not one per waiting request.
  const summaries = new Map<string, { dto: Promise<OrgUnitDto>; until: number }>();
  return {
    getMe: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/me',
      summary: 'Who the token belongs to',
      tags: ['org units'],
      access: readerRoles,
      input: z.object({}).strict(),
      output: meDto,
      handle: (principal) =>
        Promise.resolve({
          principal: { id: principal.id, name: principal.name, kind: principal.kind, role: principal.role },
          orgUnitId: principal.orgUnitId,
        }),
    }),
    getOrgUnit: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId',
      summary: 'The org unit: name, currency, counts and the head of its live stream',
      tags: ['org units'],
      access: readerRoles,
      input: z.object({ orgUnitId: orgUnitIdSchema }).strict(),
      output: orgUnitDto,
      handle(_principal, { orgUnitId }) {
        const now = deps.now();
        const cached = summaries.get(orgUnitId);
        if (cached && cached.until > now) return cached.dto;
        const dto = orgUnitSummary(deps.pool, orgUnitId).then((row) => {
          if (!row) throw notFound(`Org unit ${orgUnitId}`);
          return toOrgUnitDto(row);
        });
        summaries.set(orgUnitId, { dto, until: now + summaryCacheMs });
        // A failure is not remembered: the next call asks again.
        dto.catch(() => {
          if (summaries.get(orgUnitId)?.dto === dto) summaries.delete(orgUnitId);
        });
        return dto;
      },
    }),
  };
}
