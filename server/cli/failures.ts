import { DatabaseError, translateDatabaseError } from '../../db/errors.js';
import { DataDirLockedError } from '../../db/embedded/data-dir-lock.js';
import { DataDirDamagedError } from '../../db/embedded/embedded-postgres.js';
import { AppError } from '../errors/catalog.js';
import { ShopRequestError } from '../world/shop-client.js';
import { CliError } from './cli-error.js';
import { describeUsageFailure, exitCodes, type Failure } from './usage-failure.js';

/** Failures whose message tells the operator what to do; a stack trace would only hide it. */
const expectedFailures = [DataDirLockedError, DataDirDamagedError, CliError, AppError, ShopRequestError] as const;

function isExpectedFailure(error: unknown): error is Error {
  return expectedFailures.some((kind) => error instanceof kind);
}

/**
 * Turns anything a command threw into an exit code and the text to show. Expected failures
 * get their message only; a stack trace is kept for what must be a bug.
 */
export function describeFailure(error: unknown): Failure {
  const usage = describeUsageFailure(error);
  if (usage) return usage;
  if (isExpectedFailure(error)) return { exitCode: exitCodes.failure, message: `error: ${error.message}` };
  if (error instanceof Error && (error as NodeJS.ErrnoException).syscall === 'listen') {
    return { exitCode: exitCodes.failure, message: `error: cannot listen (${error.message}); set PORT or HOST to a free address` };
  }
  const unreachable = networkError(error);
  if (unreachable) return { exitCode: exitCodes.failure, message: `error: cannot reach the database (${unreachable})` };
  const translated = translateDatabaseError(error);
  if (translated instanceof DatabaseError) {
    return { exitCode: exitCodes.failure, message: `error: database error (${translated.code}): ${translated.message}` };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { exitCode: exitCodes.failure, message: `error: unexpected failure\n${detail}` };
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The message of a connection failure anywhere in the cause chain: the server is down or misnamed. */
function networkError(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && networkCodes.has(code)) return current.message || code;
    current = current.cause;
  }
  return undefined;
}
