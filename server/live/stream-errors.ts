import type { ZodError } from 'zod';
import { streamErrorCodes, type StreamError, type StreamErrorCode, type StreamFailure } from '../contracts/stream-events.js';
import { errorCatalog, type ErrorCode } from '../errors/catalog.js';
import { toAppError, zodFieldErrors } from '../errors/problem.js';

/** A code both in the server's catalog and in the stream contract. */
type Code = StreamErrorCode & ErrorCode;

export function streamError(code: Code, message: string = errorCatalog[code].title): StreamError {
  return { code, message };
}

export function failure(code: Code, message?: string): StreamFailure {
  return { ok: false, error: streamError(code, message) };
}

/** Names every field at fault, as `payload.afterSeq`. */
export function validationFailure(error: ZodError): StreamFailure {
  const errors = zodFieldErrors(error, 'payload');
  return { ok: false, error: { code: 'VALIDATION_FAILED', message: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors } };
}

function isStreamCode(code: ErrorCode): code is Code {
  return (streamErrorCodes as readonly string[]).includes(code);
}

/** Anything thrown, as a client may see it: internals never leak. */
export function unexpectedFailure(error: unknown): StreamFailure {
  const appError = toAppError(error);
  if (!isStreamCode(appError.code) || appError.code === 'INTERNAL') return failure('INTERNAL');
  const { errors } = appError.extras;
  return { ok: false, error: { code: appError.code, message: appError.message, ...(errors ? { errors: [...errors] } : {}) } };
}
