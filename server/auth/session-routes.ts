import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { revokeApiToken } from '../../db/queries/api-tokens.js';
import { AppError, forbidden, validationFailed } from '../errors/catalog.js';
import { zodFieldErrors } from '../errors/problem.js';
import type { Authenticator } from './authenticator.js';
import { csrfTokenFor, requireCsrf, sessionCookieName, sessionTokenOf } from './console-session.js';
import type { Principal } from './principal.js';
import { createApiToken } from './token-service.js';

const sessionDays = 1;
const loginBody = z.object({ token: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters') }).strict();

export type SessionDto = {
  principal: { id: string; name: string; role: Principal['role'] };
  orgUnitId: string;
  csrfToken: string;
};

const sessionDto = (principal: Principal, sessionToken: string): SessionDto => ({
  principal: { id: principal.id, name: principal.name, role: principal.role },
  orgUnitId: principal.orgUnitId,
  csrfToken: csrfTokenFor(sessionToken),
});

function setSessionCookie(reply: FastifyReply, value: string, maxAgeSeconds: number, secure: boolean): void {
  // SameSite=Strict: no other site can make the browser send it, Socket.IO handshakes included.
  const attributes = [`${sessionCookieName}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}

/**
 * The console's login: an API token (a founder's or operator's) is exchanged for a session
 * of its own, a day-long token of the same principal kept in an HttpOnly cookie. The
 * session routes are public routes: each checks the credentials it needs itself.
 */
export function serveSessionRoutes(app: FastifyInstance, deps: { pool: DatabasePool; authenticator: Authenticator; secureCookies: boolean; now: () => number }): void {
  const { pool, authenticator, secureCookies, now } = deps;

  async function currentSession(sessionToken: string | undefined): Promise<Principal> {
    const principal = sessionToken ? await authenticator.authenticate(sessionToken) : undefined;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'No console session: log in with an API token');
    return principal;
  }

  app.post('/api/session', async (request, reply) => {
    const parsed = loginBody.safeParse(request.body ?? {});
    if (!parsed.success) throw validationFailed(zodFieldErrors(parsed.error, 'body'));
    const principal = await authenticator.authenticate(parsed.data.token);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'The API token is unknown, revoked or expired');
    if (principal.kind === 'agent' || principal.role === 'agent') throw forbidden('The console is for people: an agent token cannot open a session');
    const session = await createApiToken(pool, {
      orgUnitId: principal.orgUnitId,
      name: principal.name,
      role: principal.role,
      label: 'console session',
      expiresInDays: sessionDays,
      now: now(),
    });
    setSessionCookie(reply, session.token, sessionDays * 86_400, secureCookies);
    return reply.status(201).send(sessionDto(principal, session.token));
  });

  app.get('/api/session', async (request) => {
    const sessionToken = sessionTokenOf(request);
    const principal = await currentSession(sessionToken);
    return sessionDto(principal, sessionToken ?? '');
  });

  app.delete('/api/session', async (request, reply) => {
    const sessionToken = sessionTokenOf(request);
    const principal = await currentSession(sessionToken);
    requireCsrf(request, sessionToken ?? '');
    await revokeApiToken(pool, { orgUnitId: principal.orgUnitId, tokenId: principal.via.tokenId });
    authenticator.forget(principal.via.tokenId);
    setSessionCookie(reply, '', 0, secureCookies);
    return reply.status(204).send();
  });
}
