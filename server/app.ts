import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../db/open-database.js';
import type { Role } from '../engine/kernel/index.js';
import { installAuth, bearerTokenSource } from './auth/auth-plugin.js';
import { createAuthenticator, type Authenticator } from './auth/authenticator.js';
import type { Config } from './config/config.js';
import { AppError } from './errors/catalog.js';
import { installErrorHandling } from './http/error-handler.js';
import { installHealth, type Readiness } from './http/health.js';
import { installMetrics } from './http/metrics.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { createLiveStream, type LiveStream } from './live/live-stream.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { orgUnitRoutes } from './routes/org-unit-routes.js';
import { tokenRoutes } from './routes/token-routes.js';

export type AppDeps = {
  config: Config;
  database: Pick<Database, 'pool' | 'kind'>;
  logger: Logger;
  /** Shared with main, which flips it while migrating and shutting down. */
  readiness: Readiness;
};

/** The application and the parts of it that main, tests and benchmarks reach into. */
export type BuiltApp = {
  app: FastifyInstance;
  authenticator: Authenticator;
  /** The Socket.IO live stream on the same server; everything streamed goes through `live.publish`. */
  live: LiveStream;
  /** Every route as registered, so tests can prove they cover all of them. */
  routes: readonly RouteEntry[];
};

export type RouteEntry = { method: string; url: string; access: readonly Role[] | undefined };

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the whole HTTP application without listening; tests drive it with `inject()`. */
export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, database, logger, readiness } = deps;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; widening keeps the instance type the default one.
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    // Echo a caller's request id when it is sane, so logs join up across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: route.config?.access });
    }
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  const authenticator = createAuthenticator(database.pool);
  installErrorHandling(app);
  installSecurityHeaders(app, { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"] } } });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per token when there is one, so clients behind one address do not starve each other.
    keyGenerator: (request) => {
      const header = request.headers.authorization;
      return typeof header === 'string' ? `auth:${header.slice(-24)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`),
  });
  installAuth(app, [bearerTokenSource(authenticator)]);
  installMetrics(app);
  installHealth(app, { pool: database.pool, readiness });

  orgUnitRoutes(app, { pool: database.pool });
  catalogRoutes(app, { pool: database.pool });
  tokenRoutes(app, { pool: database.pool, authenticator });

  const live = createLiveStream({ httpServer: app.server, pool: database.pool, authenticator, logger });
  // preClose, not onClose: open websockets would otherwise hold fastify's close() up.
  app.addHook('preClose', async () => live.close());

  // Not the instance itself: fastify instances are thenables, and an async function
  // returning one would await its readiness here.
  return { app, authenticator, live, routes };
}
