import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roleAllows, type Role } from '../../engine/kernel/index.js';
import { AppError, forbidden, notFound } from '../errors/catalog.js';
import type { Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route; absent means public (health, metrics). */
    access?: readonly Role[];
  }
}

/**
 * A source of credentials: returns the principal, undefined when this source has nothing
 * to say, or throws when it has credentials that are wrong. API tokens come first; a
 * console cookie session is another source added beside it.
 */
export type CredentialSource = (request: FastifyRequest) => Promise<Principal | undefined>;

export function bearerTokenSource(authenticator: Authenticator): CredentialSource {
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
    const principal = await authenticator.authenticate(match[1]);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'The API token is unknown, revoked or expired');
    return principal;
  };
}

/** The caller's principal on a route that declares `access`; never null there. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED');
  return request.principal;
}

/**
 * Every route that declares `access` requires a principal of one of those roles. A route
 * with an `:orgUnitId` parameter answers 404 for any org unit but the caller's own, before
 * the role is even looked at, so it never tells whether another org unit exists.
 */
/** The caller, from the first credential source that knows it; 401 when none does. */
export async function resolvePrincipal(request: FastifyRequest, sources: readonly CredentialSource[]): Promise<Principal> {
  for (const source of sources) {
    const principal = await source(request);
    if (principal) return principal;
  }
  throw new AppError('UNAUTHENTICATED', 'Send an API token as "Authorization: Bearer <token>"');
}

export function installAuth(app: FastifyInstance, sources: readonly CredentialSource[]): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    const principal = await resolvePrincipal(request, sources);
    request.principal = principal;
    const params = request.params as Record<string, unknown> | undefined;
    const orgUnitId = params?.orgUnitId;
    if (orgUnitId !== undefined && orgUnitId !== principal.orgUnitId) throw notFound(`Org unit ${typeof orgUnitId === 'string' ? orgUnitId : '(invalid)'}`);
    if (!roleAllows(principal.role, access)) {
      throw forbidden(`The ${principal.role} role cannot do this; it needs ${access.join(' or ')}`);
    }
  });
}
