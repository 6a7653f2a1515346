import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { roles } from '../../engine/kernel/index.js';

export const tokenPrincipalRow = z.object({
  token_id: z.string(),
  secret_sha256: z.string(),
  expires_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  principal_id: z.string().uuid(),
  principal_name: z.string(),
  principal_kind: z.enum(['user', 'agent']),
  role: z.enum(roles),
  org_unit_id: z.string(),
  disabled_at: z.date().nullable(),
});
export type TokenPrincipalRow = z.infer<typeof tokenPrincipalRow>;

export const apiTokenRow = z.object({
  id: z.string(),
  org_unit_id: z.string(),
  principal_id: z.string().uuid(),
  label: z.string(),
  created_at: z.date(),
  expires_at: z.date().nullable(),
});
export type ApiTokenRow = z.infer<typeof apiTokenRow>;

export async function insertApiToken(
  db: CommonQueryMethods,
  args: { id: string; orgUnitId: string; principalId: string; label: string; sha256: string; expiresAt: Date | null },
): Promise<ApiTokenRow> {
  return db.one(sql.type(apiTokenRow)`
    INSERT INTO api_tokens (id, org_unit_id, principal_id, label, secret_sha256, expires_at)
    SELECT ${args.id}, ${args.orgUnitId}, p.id, ${args.label}, ${args.sha256},
           ${args.expiresAt ? sql.timestamp(args.expiresAt) : null}
      FROM principals p WHERE p.id = ${args.principalId} AND p.org_unit_id = ${args.orgUnitId}
    RETURNING id, org_unit_id, principal_id, label, created_at, expires_at`);
}

/** The token row with its principal; whether it is usable is the caller's judgement. */
export async function findTokenWithPrincipal(db: CommonQueryMethods, tokenId: string): Promise<TokenPrincipalRow | null> {
  return db.maybeOne(sql.type(tokenPrincipalRow)`
    SELECT t.id AS token_id, t.secret_sha256, t.expires_at, t.revoked_at,
           p.id AS principal_id, p.name AS principal_name, p.kind AS principal_kind, p.role, p.org_unit_id, p.disabled_at
      FROM api_tokens t JOIN principals p ON p.id = t.principal_id
     WHERE t.id = ${tokenId}`);
}

export async function revokeApiToken(db: CommonQueryMethods, args: { orgUnitId: string; tokenId: string }): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE api_tokens SET revoked_at = now()
     WHERE id = ${args.tokenId} AND org_unit_id = ${args.orgUnitId} AND revoked_at IS NULL`);
  return result.rowCount === 1;
}

export const tokenListingRow = apiTokenRow.extend({
  principal_name: z.string(),
  role: z.enum(roles),
  last_used_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
});
export type TokenListingRow = z.infer<typeof tokenListingRow>;

export async function listApiTokens(db: CommonQueryMethods, orgUnitId: string): Promise<readonly TokenListingRow[]> {
  return db.any(sql.type(tokenListingRow)`
    SELECT t.id, t.org_unit_id, t.principal_id, t.label, t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
           p.name AS principal_name, p.role
      FROM api_tokens t JOIN principals p ON p.id = t.principal_id
     WHERE t.org_unit_id = ${orgUnitId}
     ORDER BY t.created_at DESC, t.id`);
}
