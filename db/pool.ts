import {
  BackendTerminatedError,
  BackendTerminatedUnexpectedlyError,
  createPool,
  SchemaValidationError,
  sql, type DatabasePool, type Interceptor } from 'slonik';
import { prepareMarkedStatements } from './prepared-statements.js';
import { typeParsers } from './type-parsers.js';

/** Rows are parsed by the schema given to `sql.type(schema)`; slonik does this only with this interceptor. */
const resultParser: Interceptor = {
  name: 'bos-result-parser',
  transformRow(queryContext, query, row) {
    const { resultParser: schema } = queryContext;
    if (!schema) return row;
    const parsed = schema.safeParse(row);
    if (!parsed.success) throw new SchemaValidationError(query, row, parsed.error.issues);
    return parsed.data as typeof row;
  },
};

export type PoolOptions = {
  /** Connections at most; 1 on the embedded database, whose socket shares one session. */
  maximumPoolSize: number;
  statementTimeoutMs?: number;
  /** A schema to use instead of public (tests isolate themselves this way). */
  searchPath?: string;
};

function searchPathInterceptor(schema: string): Interceptor {
  const statement = sql.unsafe`SET search_path TO ${sql.identifier([schema])}, public`;
  return {
    name: 'bos-search-path',
    async afterPoolConnection(_context, connection) {
      await connection.query(statement);
      return null;
    },
  };
}

export async function createDatabasePool(url: string, options: PoolOptions): Promise<DatabasePool> {
  prepareMarkedStatements();
  return createPool(url, {
    interceptors: options.searchPath ? [resultParser, searchPathInterceptor(options.searchPath)] : [resultParser],
    typeParsers: [...typeParsers],
    maximumPoolSize: options.maximumPoolSize,
    statementTimeout: options.statementTimeoutMs ?? 30_000,
    connectionTimeout: 10_000,
    idleTimeout: 30_000,
    // Nothing sets session state through the pool (the tests' search path is set again on
    // every acquisition), so slonik's DISCARD ALL after each use would only cost a round trip
    // per query, and drop the prepared hot statements (db/prepared-statements.ts) with it.
    resetConnection: () => Promise.resolve(),
    // Retries would re-run non-idempotent statements; callers decide instead.
    queryRetryLimit: 0,
    transactionRetryLimit: 0,
  });
}

/**
 * Ends the pool. A connection the server already dropped makes slonik's `end` reject
 * although it is as closed as it can be; that is not a failure to close.
 */
export async function endPool(pool: DatabasePool): Promise<void> {
  try {
    await pool.end();
  } catch (error) {
    if (!(error instanceof BackendTerminatedError || error instanceof BackendTerminatedUnexpectedlyError)) throw error;
  }
}
