import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
export const migrationsTable = 'schema_migrations';

export type MigrationLog = (message: string) => void;

/**
 * Applies every pending migration under an advisory lock (node-pg-migrate's), each in its
 * own transaction. Returns the names applied.
 */
export async function migrate(
  databaseUrl: string,
  options: { log?: MigrationLog; schema?: string } = {},
): Promise<string[]> {
  const log = options.log ?? (() => {});
  const applied = await runner({
    databaseUrl,
    ...(options.schema ? { schema: options.schema, createSchema: true, migrationsSchema: options.schema } : {}),
    dir: migrationsDir,
    migrationsTable,
    direction: 'up',
    checkOrder: true,
    singleTransaction: false,
    // A second process starting at the same moment waits, then finds nothing left to do.
    advisoryLockMode: 'wait',
    log,
    logger: { debug: () => {}, info: log, warn: log, error: log },
  });
  return applied.map((migration) => migration.name);
}

/** Names of the migrations this build ships, in order: readiness compares them with what is applied. */
export function shippedMigrations(): string[] {
  return fs
    .readdirSync(migrationsDir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length))
    .sort();
}
