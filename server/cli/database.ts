import type { Database, DatabaseTarget } from '../../db/open-database.js';
import type { BuiltApp } from '../app.js';
import type { CliContext } from './context.js';

// The database, its migrations and the app load when a command opens them, not when the CLI parses.

/** Opens the configured database for one command and always closes it, releasing the embedded lock. */
export async function withDatabase<T>(context: CliContext, work: (database: Database) => Promise<T>): Promise<T> {
  const target = context.config().database;
  const { openDatabase } = await import('../../db/open-database.js');
  context.progress(describeDatabase(target));
  const database = await openDatabase(target);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Where the data lives, without credentials. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.kind === 'embedded') return `Using the embedded database in ${target.dataDir}`;
  const url = new URL(target.url);
  return `Using PostgreSQL at ${url.host}${url.pathname}`;
}

/** Applies pending migrations, reporting each one as progress; returns the names applied. */
export async function applyMigrations(context: CliContext, database: Database): Promise<string[]> {
  const { migrate } = await import('../../db/migrate.js');
  context.progress('Checking migrations');
  return migrate(database.url, {
    log: (message) => {
      // node-pg-migrate announces each migration as "### MIGRATION <name> (UP) ###".
      const applying = /^### MIGRATION (\S+) \(UP\) ###$/.exec(message);
      if (applying?.[1]) context.progress(`  applying ${applying[1]}`);
    },
  });
}

/**
 * The whole app on an open database, built but not listening, for commands that work
 * through its services (ingestion, the twin); closed, worker pool included, when done.
 * It logs warnings and worse to stderr, so stdout stays the command's own.
 */
export async function withApp<T>(context: CliContext, database: Database, work: (built: BuiltApp) => Promise<T>): Promise<T> {
  const { default: pino } = await import('pino');
  const { createLogger } = await import('../logging.js');
  const { buildApp } = await import('../app.js');
  const config = context.config();
  const logger = createLogger({ logLevel: 'warn', env: config.env }, pino.destination(2));
  const built = await buildApp({ config, database, logger, readiness: { state: 'serving' } });
  try {
    return await work(built);
  } finally {
    await built.app.close();
  }
}
