import type { z } from 'zod';
import { validationFailed } from '../errors/catalog.js';
import { zodFieldErrors } from '../errors/problem.js';

/** Parses one part of a request (`params`, `query`, `body`) or throws a 400 naming each bad field. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, root: 'params' | 'query' | 'body'): z.output<S> {
  const parsed = schema.safeParse(value ?? (root === 'body' ? undefined : {}));
  if (!parsed.success) throw validationFailed(zodFieldErrors(parsed.error, root));
  return parsed.data as z.output<S>;
}
