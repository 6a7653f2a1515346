import { CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';

/** 2: the invocation is wrong (a flag, an argument, the environment); 1: it failed while running. */
export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export type Failure = { exitCode: ExitCode; message?: string };

/**
 * The failures of a wrong invocation (and a help request), told apart without loading the
 * database drivers that the rest of describeFailure needs, so help and usage errors stay quick.
 */
export function describeUsageFailure(error: unknown): Failure | undefined {
  // commander has already printed its message (or the help it was asked for).
  if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? exitCodes.ok : exitCodes.usage };
  if (error instanceof ConfigError) {
    return { exitCode: exitCodes.usage, message: `error: ${error.message}\nFix the environment variable(s) named above and try again.` };
  }
  return undefined;
}
