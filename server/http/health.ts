import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { shippedMigrations } from '../../db/migrate.js';
import { appliedMigrations, ping } from '../../db/queries/readiness.js';
import { AppError } from '../errors/catalog.js';

/** Shared with main, which moves it along as the server starts and stops. */
export type Readiness = { state: 'migrating' | 'serving' | 'shutting_down' };

/**
 * /livez: the process answers. /readyz: it can serve traffic — migrations are done, the
 * database answers and carries every migration this build ships, and no shutdown is under
 * way. While migrations run, /api answers 503 too: on the embedded database a request
 * would share the migration's session.
 */
export function installHealth(app: FastifyInstance, deps: { pool: DatabasePool; readiness: Readiness }): void {
  const expected = shippedMigrations();
  let migrationsVerified = false;

  app.addHook('onRequest', (request, _reply, done) => {
    if (deps.readiness.state === 'migrating' && request.url.startsWith('/api/')) {
      done(new AppError('NOT_READY', 'The server is applying database migrations; try again shortly'));
      return;
    }
    done();
  });

  app.get('/livez', { config: { rateLimit: false } }, () => ({ status: 'live' }));

  app.get('/readyz', { config: { rateLimit: false } }, async () => {
    if (deps.readiness.state === 'shutting_down') throw new AppError('NOT_READY', 'The server is shutting down');
    if (deps.readiness.state === 'migrating') throw new AppError('NOT_READY', 'Database migrations are running');
    try {
      if (!migrationsVerified) {
        const applied = await appliedMigrations(deps.pool);
        const missing = expected.filter((name) => !applied.includes(name));
        if (missing.length > 0) throw new AppError('NOT_READY', `Migrations not applied: ${missing.join(', ')}`, { missing });
        migrationsVerified = true;
      }
      await ping(deps.pool);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('DATABASE_UNAVAILABLE', 'The database does not answer', {}, { cause: error });
    }
    return { status: 'ready', checks: { database: 'ok', migrations: 'ok' } };
  });
}
