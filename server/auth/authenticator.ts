import type { DatabasePool } from 'slonik';
import { findTokenWithPrincipal } from '../../db/queries/api-tokens.js';
import { hashToken, parseApiToken, tokenMatches } from './api-token.js';
import type { Principal } from './principal.js';

export type Authenticator = {
  /** The principal behind a raw token, or undefined when the token is not valid now. */
  authenticate(rawToken: string): Promise<Principal | undefined>;
  /** The principal of a token verified within the cache window, without touching the database. */
  recall(rawToken: string): Principal | undefined;
  /** Forget a token at once (after revocation in this process). */
  forget(tokenId: string): void;
};

type CacheEntry = { principal: Principal; tokenSha256: string; validUntil: number };

/**
 * Verifies API tokens against the database, keeping positive answers for a short while so
 * a busy client costs one lookup per `cacheMs`, not one per request. A revocation made in
 * another process takes effect within `cacheMs`.
 */
export function createAuthenticator(
  pool: DatabasePool,
  options: { cacheMs?: number; maxEntries?: number; now?: () => number } = {},
): Authenticator {
  const cacheMs = options.cacheMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();

  async function lookup(rawToken: string, tokenId: string): Promise<Principal | undefined> {
    const row = await findTokenWithPrincipal(pool, tokenId);
    if (!row || !tokenMatches(rawToken, row.secret_sha256)) return undefined;
    const at = now();
    if (row.revoked_at || row.disabled_at || (row.expires_at && row.expires_at.getTime() <= at)) return undefined;
    const principal: Principal = Object.freeze({
      id: row.principal_id,
      name: row.principal_name,
      kind: row.principal_kind,
      role: row.role,
      orgUnitId: row.org_unit_id,
      via: { kind: 'api_token' as const, tokenId: row.token_id },
    });
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    const expiresAt = row.expires_at?.getTime() ?? Number.POSITIVE_INFINITY;
    cache.set(tokenId, { principal, tokenSha256: row.secret_sha256, validUntil: Math.min(at + cacheMs, expiresAt) });
    return principal;
  }

  function recall(rawToken: string): Principal | undefined {
    const parsed = parseApiToken(rawToken);
    const cached = parsed && cache.get(parsed.id);
    return cached && cached.validUntil > now() && cached.tokenSha256 === hashToken(rawToken) ? cached.principal : undefined;
  }

  return {
    recall,
    async authenticate(rawToken) {
      const parsed = parseApiToken(rawToken);
      if (!parsed) return undefined;
      return recall(rawToken) ?? lookup(rawToken, parsed.id);
    },
    forget(tokenId) {
      cache.delete(tokenId);
    },
  };
}
