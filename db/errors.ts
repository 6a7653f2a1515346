import { SlonikError } from 'slonik';

/**
 * The one place where PostgreSQL's SQLSTATE codes become typed errors. Codes BOS01 and
 * BOS02 are raised by this project's own triggers (see db/migrations).
 */
export type DatabaseErrorCode =
  | 'DB_UNIQUE_VIOLATION'
  | 'DB_FOREIGN_KEY_VIOLATION'
  | 'DB_CHECK_VIOLATION'
  | 'DB_NOT_NULL_VIOLATION'
  | 'DB_INVALID_INPUT'
  | 'DB_LEDGER_UNBALANCED'
  | 'DB_APPEND_ONLY'
  | 'DB_SERIALIZATION_FAILURE'
  | 'DB_DEADLOCK'
  | 'DB_UNAVAILABLE'
  | 'DB_QUERY_TIMEOUT'
  | 'DB_ERROR';

const bySqlState: Readonly<Record<string, DatabaseErrorCode>> = {
  '23505': 'DB_UNIQUE_VIOLATION',
  '23503': 'DB_FOREIGN_KEY_VIOLATION',
  '23514': 'DB_CHECK_VIOLATION',
  '23502': 'DB_NOT_NULL_VIOLATION',
  '22P02': 'DB_INVALID_INPUT',
  '22001': 'DB_INVALID_INPUT',
  '22003': 'DB_INVALID_INPUT',
  '22007': 'DB_INVALID_INPUT',
  '22008': 'DB_INVALID_INPUT',
  BOS01: 'DB_LEDGER_UNBALANCED',
  BOS02: 'DB_APPEND_ONLY',
  '40001': 'DB_SERIALIZATION_FAILURE',
  '40P01': 'DB_DEADLOCK',
  '57014': 'DB_QUERY_TIMEOUT',
  '57P01': 'DB_UNAVAILABLE',
  '08000': 'DB_UNAVAILABLE',
  '08003': 'DB_UNAVAILABLE',
  '08006': 'DB_UNAVAILABLE',
};

export class DatabaseError extends Error {
  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
    readonly details: Readonly<{ sqlState?: string; constraint?: string; table?: string; column?: string }>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseError';
  }

  /** Worth retrying the whole transaction. */
  get transient(): boolean {
    return this.code === 'DB_SERIALIZATION_FAILURE' || this.code === 'DB_DEADLOCK' || this.code === 'DB_UNAVAILABLE';
  }
}

const slonikClasses: Readonly<Record<string, DatabaseErrorCode>> = {
  InvalidInputError: 'DB_INVALID_INPUT',
  ConnectionError: 'DB_UNAVAILABLE',
  BackendTerminatedError: 'DB_UNAVAILABLE',
  BackendTerminatedUnexpectedlyError: 'DB_UNAVAILABLE',
  StatementTimeoutError: 'DB_QUERY_TIMEOUT',
};

type PgErrorFields = { code?: unknown; constraint?: unknown; table?: unknown; column?: unknown; message?: unknown };

function findPgError(error: unknown): PgErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const fields = current as Error & PgErrorFields;
    if (typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code)) return fields;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const optionalText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Returns a DatabaseError for anything the database or its driver threw; other errors pass through. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseError) return error;
  const pg = findPgError(error);
  if (pg) {
    const sqlState = String(pg.code);
    return new DatabaseError(
      bySqlState[sqlState] ?? 'DB_ERROR',
      optionalText(pg.message) ?? 'database error',
      {
        sqlState,
        constraint: optionalText(pg.constraint),
        table: optionalText(pg.table),
        column: optionalText(pg.column),
      },
      { cause: error },
    );
  }
  // slonik rewraps a few driver errors without their SQLSTATE; recognise those by class.
  if (error instanceof SlonikError) {
    const code = slonikClasses[error.constructor.name];
    if (code) return new DatabaseError(code, error.message, {}, { cause: error });
  }
  return error;
}
