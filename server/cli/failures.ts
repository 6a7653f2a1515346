import { CommanderError } from 'commander';
import { DatabaseError, translateDatabaseError } from '../../db/errors.js';
import { DataDirLockedError } from '../../db/embedded/data-dir-lock.js';
import { DataDirDamagedError } from '../../db/embedded/embedded-postgres.js';
import { ConfigError } from '../config/config.js';
import { AppError } from '../errors/catalog.js';

export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** The invocation is wrong (a flag, an argument, the environment): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected runtime failure with a message that says it all: exit 1, no stack. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

export type Failure = { exitCode: ExitCode; message?: string };

/**
 * Turns anything a command threw into an exit code and the text to show. Expected failures
 * get their message only; a stack trace is kept for what must be a bug.
 */
export function describeFailure(error: unknown): Failure {
  // commander has already printed its message (or the help it was asked for).
  if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? exitCodes.ok : exitCodes.usage };
  if (error instanceof UsageError) return { exitCode: exitCodes.usage, message: `error: ${error.message}` };
  if (error instanceof ConfigError) {
    return { exitCode: exitCodes.usage, message: `error: ${error.message}\nFix the environment variable(s) named above and try again.` };
  }
  if (error instanceof DataDirLockedError || error instanceof DataDirDamagedError || error instanceof CliError) {
    return { exitCode: exitCodes.failure, message: `error: ${error.message}` };
  }
  if (error instanceof AppError) return { exitCode: exitCodes.failure, message: `error: ${error.message}` };
  const translated = translateDatabaseError(error);
  if (translated instanceof DatabaseError) {
    return { exitCode: exitCodes.failure, message: `error: the database refused (${translated.code}): ${translated.message}` };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { exitCode: exitCodes.failure, message: `error: unexpected failure\n${detail}` };
}
