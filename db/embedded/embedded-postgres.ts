import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';

/**
 * The embedded default: PGlite on disk, served on a loopback socket so the same
 * pg/slonik code runs against it. For one process, demos and development; a real
 * deployment sets DATABASE_URL.
 */
export class DataDirDamagedError extends Error {
  readonly code = 'DATA_DIR_DAMAGED';
  constructor(
    readonly dataDir: string,
    detail: string,
  ) {
    super(
      `The embedded database in ${dataDir} is half-initialised (${detail}). ` +
        `It holds no usable data: move it aside or delete it, then start again.`,
    );
    this.name = 'DataDirDamagedError';
  }
}

export type EmbeddedPostgres = {
  /** A postgres:// URL for the loopback socket. */
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
};

/** Connections the socket accepts; every one shares PGlite's single session. */
const SOCKET_CONNECTIONS = 8;

function checkDataDir(dataDir: string, pgdata: string, marker: string): void {
  if (fs.existsSync(marker)) throw new DataDirDamagedError(dataDir, 'a first start was interrupted before it finished');
  if (!fs.existsSync(pgdata)) return;
  const entries = fs.readdirSync(pgdata);
  if (entries.length === 0) return;
  for (const required of ['PG_VERSION', path.join('global', 'pg_control')]) {
    if (!fs.existsSync(path.join(pgdata, required))) throw new DataDirDamagedError(dataDir, `${required} is missing`);
  }
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const lock: DataDirLock = acquireDataDirLock(dataDir);
  try {
    const pgdata = path.join(dataDir, 'pgdata');
    const marker = path.join(dataDir, 'pgdata.initializing');
    checkDataDir(dataDir, pgdata, marker);
    const firstStart = !fs.existsSync(path.join(pgdata, 'PG_VERSION'));
    if (firstStart) fs.writeFileSync(marker, new Date().toISOString());
    const db = await PGlite.create({ dataDir: pgdata });
    if (firstStart) fs.rmSync(marker);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: SOCKET_CONNECTIONS });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
      dataDir,
      async stop() {
        try {
          await server.stop();
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
