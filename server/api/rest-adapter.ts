import type { FastifyInstance } from 'fastify';
import { ZodObject, type ZodError } from 'zod';
import { principalOf } from '../auth/auth-plugin.js';
import { validationFailed, type FieldError } from '../errors/catalog.js';
import { fieldPath } from '../errors/problem.js';
import type { OperationSet } from './operation.js';

const bodyMethods: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT']);

export const pathKeys = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');

/** Names each failing field where the client put it: `params.productId`, `query.limit`, `body.role`. */
function locate(error: ZodError, inPath: readonly string[], rest: 'query' | 'body'): FieldError[] {
  return error.issues.map((issue) => {
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = unknownKeys[0] === undefined ? issue.path : [...issue.path, unknownKeys[0]];
    const first = path[0];
    const root = typeof first === 'string' && inPath.includes(first) ? 'params' : rest;
    const message = unknownKeys.length === 0 ? issue.message : `is not a known field (${unknownKeys.join(', ')})`;
    return { path: path.length === 0 ? root : fieldPath(root, path), message };
  });
}

/** Serves every operation as a REST route; auth and org scoping come from the route's `access`. */
export function serveRest(app: FastifyInstance, operations: OperationSet): void {
  for (const operation of Object.values(operations)) {
    const inPath = pathKeys(operation.path);
    const rest = bodyMethods.has(operation.method) ? 'body' : 'query';
    // An action named wholly by its path (`…/activate`) may come without a body.
    const bodyOptional = operation.input instanceof ZodObject && Object.keys(operation.input.shape as object).every((key) => inPath.includes(key));
    app.route({
      method: operation.method,
      url: operation.path,
      config: { access: operation.access },
      async handler(request, reply) {
        const principal = principalOf(request);
        const given: unknown = rest === 'query' ? request.query : request.body === undefined && bodyOptional ? {} : request.body;
        if (rest === 'body' && (given === null || typeof given !== 'object' || Array.isArray(given))) {
          throw validationFailed([{ path: 'body', message: 'must be a JSON object' }]);
        }
        const fields = { ...(given as Record<string, unknown>) };
        const misplaced = inPath.filter((key) => key in fields);
        if (misplaced.length > 0) throw validationFailed(misplaced.map((key) => ({ path: `${rest}.${key}`, message: 'belongs in the path, not here' })));
        const parsed = operation.input.safeParse({ ...fields, ...(request.params as Record<string, unknown>) });
        if (!parsed.success) throw validationFailed(locate(parsed.error, inPath, rest));
        const result = await operation.handle(principal, parsed.data as unknown);
        if (operation.successStatus === 204) return reply.status(204).send();
        return reply.status(operation.statusFor?.(result) ?? operation.successStatus ?? 200).send(result);
      },
    });
  }
}
