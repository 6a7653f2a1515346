import type { DatabasePool } from 'slonik';
import { startEmbeddedPostgres } from './embedded/embedded-postgres.js';
import { createDatabasePool, endPool } from './pool.js';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
  | { readonly kind: 'embedded'; readonly dataDir: string };

export type Database = {
  readonly kind: DatabaseTarget['kind'];
  readonly pool: DatabasePool;
  /** Where migrations and dedicated clients connect. */
  readonly url: string;
  close(): Promise<void>;
};

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = await createDatabasePool(target.url, { maximumPoolSize: target.poolSize });
    return { kind: 'postgres', pool, url: target.url, close: () => endPool(pool) };
  }
  const embedded = await startEmbeddedPostgres(target.dataDir);
  try {
    // One connection: the socket multiplexes every client onto PGlite's single session,
    // so two pooled connections would interleave their transactions.
    const pool = await createDatabasePool(embedded.url, { maximumPoolSize: 1 });
    return {
      kind: 'embedded',
      pool,
      url: embedded.url,
      async close() {
        try {
          await endPool(pool);
        } finally {
          await embedded.stop();
        }
      },
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
