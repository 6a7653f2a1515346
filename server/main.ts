import type { Logger } from 'pino';
import { migrate } from '../db/migrate.js';
import { openDatabase, type Database } from '../db/open-database.js';
import { listOrgUnitIds } from '../db/queries/org-units.js';
import { buildApp, type BuiltApp } from './app.js';
import type { Config } from './config/config.js';
import type { Readiness } from './http/health.js';
import { createLogger } from './logging.js';

const approvalSweepMs = 15_000;

export type RunningServer = {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the database. */
  close(): Promise<void>;
};

/**
 * The one place that opens the database and listens. Order matters: listen first so
 * /livez answers during migrations, serve /api only once they are done.
 */
export async function startServer(
  config: Config,
  options: {
    logger?: Logger;
    handleSignals?: boolean;
    /** Runs once migrations are done and before /api opens (e.g. seeding a first start). */
    beforeServing?: (database: Database) => Promise<unknown>;
    /** Starts what runs beside the server once it serves (the simulated shop); its stop runs first on close. */
    alongside?: (built: BuiltApp, database: Database, logger: Logger) => Promise<(() => Promise<void>) | undefined>;
  } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config);
  const database = await openDatabase(config.database);
  // An idle connection that dies (database restart) is reported, not fatal: the pool reconnects.
  database.pool.on('error', (error) => logger.warn({ err: error }, 'database connection error'));
  const readiness: Readiness = { state: 'migrating' };
  let built;
  try {
    built = await buildApp({ config, database, logger, readiness });
    await built.app.listen({ host: config.host, port: config.port });
    await bringUp(built, database, logger, options.beforeServing);
    readiness.state = 'serving';
  } catch (error) {
    await built?.app.close();
    await database.close();
    throw error;
  }
  const { app } = built;
  // Pending approvals past their expiry become `expired` (and whatever waits on them hears so).
  const expirySweep = setInterval(() => {
    built.governance.approvals.expireDue().catch((error: unknown) => logger.error({ err: error }, 'approval expiry sweep failed'));
  }, approvalSweepMs);
  expirySweep.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, database: database.kind }, 'listening');
  const stopAlongside = await options.alongside?.(built, database, logger);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      readiness.state = 'shutting_down';
      clearInterval(expirySweep);
      await stopAlongside?.();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.shutdownGraceMs);
      });
      try {
        const result = await Promise.race([app.close().then(() => 'drained' as const), grace]);
        if (result === 'timeout') {
          logger.warn({ graceMs: config.shutdownGraceMs }, 'in-flight requests outlived the grace period');
          app.server.closeAllConnections();
        }
      } finally {
        clearTimeout(timer);
        await database.close();
      }
      logger.info('stopped');
    })();
    return closing;
  };

  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { url, close };
}

/**
 * Everything between an open database and a system at work: migrations, whatever the caller
 * needs before serving (a first start's seed), the built-in policies and workflows of every
 * org unit, and the runtime resuming every unfinished run. The server and the in-process
 * `initializeBusinessOS()` share it.
 */
export async function bringUp(built: BuiltApp, database: Database, logger: Logger, beforeServing?: (database: Database) => Promise<unknown>): Promise<void> {
  const applied = await migrate(database.url, { log: (message) => logger.debug({ migration: message }, 'migration') });
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  await beforeServing?.(database);
  // Every org unit is governed by the built-in policies from its first request on.
  const orgUnitIds = await listOrgUnitIds(database.pool);
  for (const orgUnitId of orgUnitIds) await built.governance.policies.installBuiltins(orgUnitId);
  await built.workflows.install(orgUnitIds);
  for (const module of built.workflowModules) await module.prepare?.(database.pool);
  // Resumes every unfinished run: whatever this process (or a dead one) left leased or due.
  await built.runtime.start();
}
