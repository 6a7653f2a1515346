import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import type { DatabasePool } from 'slonik';
import { migrate } from '../../db/migrate.js';
import { createDatabasePool, endPool } from '../../db/pool.js';

/**
 * Test databases. With DATABASE_URL set they live on that PostgreSQL; without it on one
 * in-memory PGlite per test worker (a cold start takes seconds, so it is shared). Each
 * test file gets its own freshly migrated schema, so files never see each other's rows.
 */
export type TestDatabase = {
  readonly kind: 'postgres' | 'embedded';
  readonly pool: DatabasePool;
  /** URL of the server (the schema is selected per connection, not by the URL). */
  readonly url: string;
  readonly schema: string;
  close(): Promise<void>;
};

type Server = { kind: 'postgres' | 'embedded'; url: string };
let server: Promise<Server> | undefined;

async function startServer(): Promise<Server> {
  const url = process.env.DATABASE_URL;
  if (url) return { kind: 'postgres', url };
  const db = await PGlite.create();
  const socket = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await socket.start();
  return { kind: 'embedded', url: `postgres://postgres@${socket.getServerConn()}/postgres?sslmode=disable` };
}

export function testDatabaseServer(): Promise<Server> {
  server ??= startServer();
  return server;
}

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const { kind, url } = await testDatabaseServer();
  const schema = `t_${process.pid}_${randomBytes(5).toString('hex')}`;
  await migrate(url, { schema });
  const pool = await createDatabasePool(url, {
    maximumPoolSize: kind === 'embedded' ? 1 : (options.poolSize ?? 8),
    searchPath: schema,
  });
  return {
    kind,
    pool,
    url,
    schema,
    async close() {
      await endPool(pool);
      if (kind === 'postgres') await dropSchema(url, schema);
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * A whole database of its own on the real PostgreSQL, for tests that start the server as
 * a child process (which migrates it itself). Undefined without DATABASE_URL: such tests
 * then use an embedded data directory instead.
 */
export async function createScratchPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = `bos_scratch_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
