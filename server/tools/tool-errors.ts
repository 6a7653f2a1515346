import { DatabaseError, translateDatabaseError } from '../../db/errors.js';
import { AppError } from '../errors/catalog.js';

/** Thrown by a tool for a failure worth retrying (a provider's 503, a dropped connection). */
export class TransientToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientToolError';
  }
}

export class ToolTimeoutError extends Error {
  constructor(readonly toolName: string, readonly timeoutMs: number) {
    super(`${toolName} did not finish within ${timeoutMs} ms`);
    this.name = 'ToolTimeoutError';
  }
}

export class ToolOutputError extends Error {
  constructor(readonly toolName: string, readonly paths: readonly string[]) {
    super(`${toolName} answered with output that breaks its schema at ${paths.join(', ')}`);
    this.name = 'ToolOutputError';
  }
}

/** A failure as the action row and the caller see it. */
export type ToolFailure = Readonly<{ code: string; message: string; transient: boolean }>;

/**
 * Transient: worth another attempt with the same key (database contention or outage, a
 * timeout, a tool that says so). Everything else is permanent: retrying an overdraft or a
 * bad account path only fails again.
 */
export function classifyFailure(error: unknown): ToolFailure {
  const translated = translateDatabaseError(error);
  if (translated instanceof ToolTimeoutError) return { code: 'TOOL_TIMEOUT', message: translated.message, transient: true };
  if (translated instanceof TransientToolError) return { code: 'TOOL_FAILED', message: translated.message, transient: true };
  if (translated instanceof ToolOutputError) return { code: 'TOOL_OUTPUT_INVALID', message: translated.message, transient: false };
  if (translated instanceof DatabaseError) return { code: translated.code, message: translated.message, transient: translated.transient };
  if (translated instanceof AppError) return { code: translated.code, message: translated.message, transient: false };
  return { code: 'TOOL_FAILED', message: translated instanceof Error ? translated.message : String(translated), transient: false };
}
