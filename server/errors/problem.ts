import type { ZodError } from 'zod';
import { DatabaseError, translateDatabaseError } from '../../db/errors.js';
import { AppError, errorCatalog, type ErrorCode, type FieldError } from './catalog.js';

/** RFC 9457 problem details, as every error leaves the server. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: readonly FieldError[];
  [extra: string]: unknown;
};

export const problemContentType = 'application/problem+json; charset=utf-8';

export function problemType(code: ErrorCode): string {
  return `urn:business-os:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

/** `body.items[2].sku` from zod's path; the root is `body` unless said otherwise. */
export function fieldPath(root: string, path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${key}`), root);
}

export function zodFieldErrors(error: ZodError, root: string): FieldError[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { path: fieldPath(root, [...issue.path, issue.keys[0] ?? '']), message: `is not a known field (${issue.keys.join(', ')})` };
    }
    return { path: fieldPath(root, issue.path), message: issue.message };
  });
}

const databaseStatus: Partial<Record<DatabaseError['code'], ErrorCode>> = {
  DB_UNIQUE_VIOLATION: 'ALREADY_EXISTS',
  DB_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  DB_SERIALIZATION_FAILURE: 'CONFLICT',
  DB_DEADLOCK: 'CONFLICT',
};

/** Turns anything thrown into an AppError; internals never leak into the message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const translated = translateDatabaseError(error);
  if (translated instanceof DatabaseError) {
    const code = databaseStatus[translated.code] ?? 'INTERNAL';
    const message = code === 'INTERNAL' ? errorCatalog.INTERNAL.title : errorCatalog[code].title;
    return new AppError(code, message, {}, { cause: translated });
  }
  return new AppError('INTERNAL', errorCatalog.INTERNAL.title, {}, { cause: error });
}

export function toProblem(error: AppError, context: { instance?: string; requestId?: string } = {}): Problem {
  const { errors, ...extras } = error.extras;
  return {
    ...extras,
    type: problemType(error.code),
    title: errorCatalog[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(context.instance ? { instance: context.instance } : {}),
    ...(context.requestId ? { requestId: context.requestId } : {}),
    ...(errors ? { errors } : {}),
  };
}
