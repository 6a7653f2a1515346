import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque API tokens: `bos_<id>_<secret>`. The prefix makes a leaked token easy to spot
 * (secret scanners, logs); the id finds the row; only sha256 of the whole token is stored,
 * so the database never holds a usable token. The secret has 256 bits, so a plain hash
 * (no slow KDF) is enough.
 */
export const tokenPrefix = 'bos_';
const tokenPattern = /^bos_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const idAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

export type IssuedToken = { id: string; token: string; sha256: string };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function issueApiToken(): IssuedToken {
  const idBytes = randomBytes(12);
  const id = Array.from(idBytes, (byte) => idAlphabet[byte % idAlphabet.length]).join('');
  const token = `${tokenPrefix}${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, sha256: hashToken(token) };
}

/** The token's id if it has the right shape; anything else is not a token of ours. */
export function parseApiToken(raw: string): { id: string } | undefined {
  const match = tokenPattern.exec(raw);
  return match?.[1] ? { id: match[1] } : undefined;
}

export function tokenMatches(raw: string, storedSha256: string): boolean {
  const given = Buffer.from(hashToken(raw), 'hex');
  const stored = Buffer.from(storedSha256, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
