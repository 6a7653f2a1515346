import type { z } from 'zod';
import type { Role } from '../../engine/kernel/index.js';
import type { Principal } from '../auth/principal.js';

/**
 * One capability of the API, declared once and served twice: as a REST route (with its
 * OpenAPI description) and as a tRPC procedure of the `businessOS` router. Input is one
 * object: on REST its keys come from the path, then the query (GET, DELETE) or the JSON
 * body (POST, PATCH, PUT). An `orgUnitId` in the input is always checked against the
 * caller's own org unit. Operations are built by factories that close over the services
 * they need, once per app; `handle` sees the caller and the parsed input, never the request.
 */
export type OperationKind = 'query' | 'mutation';

export type Operation<Input extends z.ZodTypeAny = z.ZodTypeAny, Output = unknown, Kind extends OperationKind = OperationKind> = Readonly<{
  kind: Kind;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** fastify path pattern, e.g. `/api/org-units/:orgUnitId/products`. */
  path: string;
  summary: string;
  tags: readonly string[];
  access: readonly Role[];
  input: Input;
  output: z.ZodTypeAny;
  /** HTTP status of a success on REST; 204 sends no body. */
  successStatus?: 200 | 201 | 204;
  /**
   * The REST status for a particular result, when it depends on it (a write that waits for
   * an approval is 202 Accepted); `successStatus` otherwise. tRPC carries the result alone.
   */
  statusFor?(output: Output): 200 | 201 | 202;
  handle(principal: Principal, input: z.output<Input>): Promise<Output>;
}>;

/** Operations by their tRPC procedure name (`listProducts`). */
export type OperationSet = Readonly<Record<string, Operation>>;

/** Keeps the input, output and kind types tied together where an operation is declared. */
export function defineOperation<Input extends z.ZodTypeAny, Output, Kind extends OperationKind>(
  operation: Operation<Input, Output, Kind>,
): Operation<Input, Output, Kind> {
  return Object.freeze(operation);
}
