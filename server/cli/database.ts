import { migrate } from '../../db/migrate.js';
import { openDatabase, type Database, type DatabaseTarget } from '../../db/open-database.js';
import type { CliContext } from './context.js';

/** Opens the configured database for one command and always closes it, releasing the embedded lock. */
export async function withDatabase<T>(context: CliContext, work: (database: Database) => Promise<T>): Promise<T> {
  const target = context.config().database;
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
  context.progress('Checking migrations');
  return migrate(database.url, {
    log: (message) => {
      // node-pg-migrate announces each migration as "### MIGRATION <name> (UP) ###".
      const applying = /^### MIGRATION (\S+) \(UP\) ###$/.exec(message);
      if (applying?.[1]) context.progress(`  applying ${applying[1]}`);
    },
  });
}
