import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from '../../db/migrate.js';
import { openDatabase, type Database } from '../../db/open-database.js';
import { loadConfig, type Config } from '../../server/config/config.js';
import { createScratchPostgresDatabase } from '../../test/support/database.js';

export type ServerDatabase = Readonly<{ config: Config; database: Database; close(): Promise<void> }>;

/**
 * A database opened as the server opens its own, migrated: a scratch database on the
 * PostgreSQL of DATABASE_URL, else an embedded one in a temporary data directory. Unlike
 * the tests' databases it has no schema of its own to select on every query, so what a
 * benchmark measures is what the server does.
 */
export async function openServerDatabase(): Promise<ServerDatabase> {
  const scratch = await createScratchPostgresDatabase();
  const dataDir = scratch ? undefined : await mkdtemp(path.join(tmpdir(), 'bos-bench-'));
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', ...(scratch ? { DATABASE_URL: scratch.url } : { BOS_DATA_DIR: dataDir }) });
  const database = await openDatabase(config.database);
  await migrate(database.url);
  return {
    config,
    database,
    async close() {
      await database.close();
      await scratch?.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
