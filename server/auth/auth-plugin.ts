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
export type CredentialSource = (request: FastifyRequest) => Principal | undefined | Promise<Principal | undefined>;

const refuseToken = () => new AppError('UNAUTHENTICATED', 'The API token is unknown, revoked or expired');

export function bearerTokenSource(authenticator: Authenticator): CredentialSource {
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
    // A recently verified token is answered without a promise: this runs on every request.
    const cached = authenticator.recall(match[1]);
    if (cached) return cached;
    return authenticator.authenticate(match[1]).then((principal) => {
      if (!principal) throw refuseToken();
      return principal;
    });
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

/** The first answer any source gives, synchronously when it could: most requests carry a cached token. */
function firstPrincipal(request: FastifyRequest, sources: readonly CredentialSource[]): Principal | undefined | Promise<Principal> {
  for (const [index, source] of sources.entries()) {
    const answer = source(request);
    if (answer instanceof Promise) {
      return answer.then((principal) => principal ?? resolvePrincipal(request, sources.slice(index + 1)));
    }
    if (answer) return answer;
  }
  return undefined;
}

function admit(request: FastifyRequest, principal: Principal | undefined, access: readonly Role[]): void {
  if (!principal) throw new AppError('UNAUTHENTICATED', 'Send an API token as "Authorization: Bearer <token>"');
  request.principal = principal;
  const params = request.params as Record<string, unknown> | undefined;
  const orgUnitId = params?.orgUnitId;
  if (orgUnitId !== undefined && orgUnitId !== principal.orgUnitId) throw notFound(`Org unit ${typeof orgUnitId === 'string' ? orgUnitId : '(invalid)'}`);
  if (!roleAllows(principal.role, access)) {
    throw forbidden(`The ${principal.role} role cannot do this; it needs ${access.join(' or ')}`);
  }
}

export function installAuth(app: FastifyInstance, sources: readonly CredentialSource[]): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const access = request.routeOptions.config.access;
    if (!access) {
      done();
      return;
    }
    try {
      const found = firstPrincipal(request, sources);
      if (found instanceof Promise) {
        found
          .then((principal) => admit(request, principal, access))
          .then(
            () => done(),
            (error: unknown) => done(error as Error),
          );
        return;
      }
      admit(request, found, access);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}
