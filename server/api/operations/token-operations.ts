import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { founderOnly } from '../../../engine/kernel/index.js';
import { listApiTokens, revokeApiToken } from '../../../db/queries/api-tokens.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { createApiToken } from '../../auth/token-service.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import { createTokenBody, issuedTokenDto, tokenListingDto } from '../../contracts/org-units.js';
import { notFound } from '../../errors/catalog.js';
import { defineOperation } from '../operation.js';

/** Tokens are a founder's business: they grant roles. */
export function tokenOperations(deps: { pool: DatabasePool; authenticator: Authenticator; now: () => number }) {
  return {
    listTokens: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/tokens',
      summary: 'API tokens of the org unit (never their secrets)',
      tags: ['tokens'],
      access: founderOnly,
      input: z.object({ orgUnitId: orgUnitIdSchema }).strict(),
      output: z.object({ items: z.array(tokenListingDto) }),
      async handle(_principal, { orgUnitId }) {
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
      },
    }),
    createToken: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/tokens',
      summary: 'Issue an API token for a principal (created on first use); the token is shown in this answer only',
      tags: ['tokens'],
      access: founderOnly,
      input: createTokenBody.extend({ orgUnitId: orgUnitIdSchema }).strict(),
      output: issuedTokenDto,
      successStatus: 201,
      handle: (_principal, { orgUnitId, ...body }) => createApiToken(deps.pool, { orgUnitId, ...body, now: deps.now() }),
    }),
    revokeToken: defineOperation({
      kind: 'mutation',
      method: 'DELETE',
      path: '/api/org-units/:orgUnitId/tokens/:tokenId',
      summary: 'Revoke a token at once',
      tags: ['tokens'],
      access: founderOnly,
      input: z.object({ orgUnitId: orgUnitIdSchema, tokenId: z.string().regex(/^[a-z0-9]{12}$/, 'must be a token id') }).strict(),
      output: z.void(),
      successStatus: 204,
      async handle(_principal, { orgUnitId, tokenId }) {
        const revoked = await revokeApiToken(deps.pool, { orgUnitId, tokenId });
        if (!revoked) throw notFound(`Active token ${tokenId}`);
        deps.authenticator.forget(tokenId);
      },
    }),
  };
}
