import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/catalog.js';
import type { CredentialSource } from './auth-plugin.js';
import type { Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';

/**
 * Console sessions. The cookie holds a short-lived API token minted at login for the same
 * principal, so a session is checked, cached and revoked exactly like any token. The CSRF
 * token is an HMAC of that session token: the server keeps no state for it, and a page on
 * another site can neither read the cookie nor compute the header.
 */
export const sessionCookieName = 'bos_session';
export const csrfHeaderName = 'x-csrf-token';

const unsafeMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('bos console csrf v1').digest('base64url');
}

/** One cookie's value from a Cookie header; undefined when absent or empty. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

export function sessionTokenOf(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  return cookieValue(request.headers.cookie, sessionCookieName);
}

function csrfMatches(sessionToken: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Writes through a cookie must carry the session's CSRF token in the `x-csrf-token` header. */
export function requireCsrf(request: Pick<FastifyRequest, 'headers' | 'method'>, sessionToken: string): void {
  if (!unsafeMethods.has(request.method)) return;
  if (!csrfMatches(sessionToken, request.headers[csrfHeaderName])) {
    throw new AppError('CSRF_TOKEN_INVALID', `Send the session's CSRF token in the ${csrfHeaderName} header with every write`);
  }
}

const sessionEnded = () => new AppError('UNAUTHENTICATED', 'The console session has ended or is not valid; log in again');

/** A credential source for the console's cookie; it speaks only when the cookie is there. */
export function sessionCookieSource(authenticator: Authenticator): CredentialSource {
  return (request) => {
    const token = sessionTokenOf(request);
    if (!token) return undefined;
    const admit = (principal: Principal | undefined): Principal => {
      if (!principal) throw sessionEnded();
      requireCsrf(request, token);
      return principal;
    };
    const cached = authenticator.recall(token);
    return cached ? admit(cached) : authenticator.authenticate(token).then(admit);
  };
}
