import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { founderOnly } from '../../engine/kernel/index.js';
import { listApiTokens, revokeApiToken } from '../../db/queries/api-tokens.js';
import type { Authenticator } from '../auth/authenticator.js';
import { createApiToken } from '../auth/token-service.js';
import { orgParamsSchema, orgUnitIdSchema } from '../contracts/common.js';
import { createTokenBody } from '../contracts/org-units.js';
import { notFound } from '../errors/catalog.js';
import { parseInput } from '../http/parse-input.js';

const tokenParams = z.object({ orgUnitId: orgUnitIdSchema, tokenId: z.string().regex(/^[a-z0-9]{12}$/, 'must be a token id') }).strict();

/** Tokens are a founder's business: they grant roles. */
export function tokenRoutes(app: FastifyInstance, deps: { pool: DatabasePool; authenticator: Authenticator }): void {
  app.post('/api/org-units/:orgUnitId/tokens', { config: { access: founderOnly } }, async (request, reply) => {
    const { orgUnitId } = parseInput(orgParamsSchema, request.params, 'params');
    const body = parseInput(createTokenBody, request.body, 'body');
    const issued = await createApiToken(deps.pool, { orgUnitId, ...body, now: Date.now() });
    return reply.status(201).header('cache-control', 'no-store').send(issued);
  });

  app.get('/api/org-units/:orgUnitId/tokens', { config: { access: founderOnly } }, async (request) => {
    const { orgUnitId } = parseInput(orgParamsSchema, request.params, 'params');
    const rows = await listApiTokens(deps.pool, orgUnitId);
    return {
      items: rows.map((row) => ({
        id: row.id,
        label: row.label,
        principal: { id: row.principal_id, name: row.principal_name, role: row.role },
        createdAt: row.created_at.toISOString(),
        expiresAt: row.expires_at?.toISOString() ?? null,
        lastUsedAt: row.last_used_at?.toISOString() ?? null,
        revokedAt: row.revoked_at?.toISOString() ?? null,
      })),
    };
  });

  app.delete('/api/org-units/:orgUnitId/tokens/:tokenId', { config: { access: founderOnly } }, async (request, reply) => {
    const { orgUnitId, tokenId } = parseInput(tokenParams, request.params, 'params');
    const revoked = await revokeApiToken(deps.pool, { orgUnitId, tokenId });
    if (!revoked) throw notFound(`Active token ${tokenId}`);
    deps.authenticator.forget(tokenId);
    return reply.status(204).send();
  });
}
