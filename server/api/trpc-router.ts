import { initTRPC, TRPCError, type TRPCMutationProcedure, type TRPCQueryProcedure, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, type z } from 'zod';
import { roleAllows } from '../../engine/kernel/index.js';
import type { FastifyRequest } from 'fastify';
import { resolvePrincipal, type CredentialSource } from '../auth/auth-plugin.js';
import type { Principal } from '../auth/principal.js';
import { AppError, forbidden, notFound, validationFailed, type ErrorCode, type FieldError } from '../errors/catalog.js';
import { toAppError, zodFieldErrors } from '../errors/problem.js';
import type { Operation, OperationKind, OperationSet } from './operation.js';
import type { Operations } from './operations/index.js';

/** Who is calling, or why we could not tell: resolved once per request by the adapter. */
export type TrpcContext = { principal: Principal | undefined; authError: AppError | undefined; requestId: string };

/** Resolves the caller once per request; a bad token is kept and reported by the procedure. */
export async function trpcContext(request: FastifyRequest, sources: readonly CredentialSource[]): Promise<TrpcContext> {
  try {
    return { principal: await resolvePrincipal(request, sources), authError: undefined, requestId: String(request.id) };
  } catch (error) {
    return { principal: undefined, authError: toAppError(error), requestId: String(request.id) };
  }
}

const trpcCodes: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** The same problem a REST client would get, carried in tRPC's error `data`. */
export type TrpcErrorData = { code: ErrorCode; httpStatus: number; errors?: readonly FieldError[]; requestId: string };

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const app = toProblemError(error);
    const data: TrpcErrorData = {
      code: app.code,
      httpStatus: app.status,
      ...(app.extras.errors ? { errors: app.extras.errors } : {}),
      requestId: ctx?.requestId ?? '',
    };
    return { ...shape, message: app.status >= 500 ? 'Internal error' : app.message, data };
  },
});

/** tRPC's own failures (bad input, unparsable request) in the terms of our catalog. */
function toProblemError(error: TRPCError): AppError {
  if (error.cause instanceof AppError) return error.cause;
  if (error.cause instanceof ZodError) return validationFailed(zodFieldErrors(error.cause, 'input'));
  if (error.code === 'PARSE_ERROR') return new AppError('INVALID_JSON', error.message);
  if (error.code === 'NOT_FOUND') return new AppError('NOT_FOUND', error.message);
  if (error.code === 'METHOD_NOT_SUPPORTED') return new AppError('METHOD_NOT_ALLOWED', error.message);
  if (error.code === 'BAD_REQUEST') return new AppError('VALIDATION_FAILED', error.message);
  return toAppError(error.cause ?? error);
}

const asTrpcError = (error: AppError) => new TRPCError({ code: trpcCodes[error.status] ?? 'INTERNAL_SERVER_ERROR', message: error.message, cause: error });

function procedureFor(operation: Operation) {
  return t.procedure
    .input(operation.input)
    .use(async ({ ctx, input, next }) => {
      if (!ctx.principal) throw asTrpcError(ctx.authError ?? new AppError('UNAUTHENTICATED'));
      const orgUnitId = (input as { orgUnitId?: unknown } | undefined)?.orgUnitId;
      // Another org unit's data is answered as if it did not exist, before the role is looked at.
      if (orgUnitId !== undefined && orgUnitId !== ctx.principal.orgUnitId) throw asTrpcError(notFound(`Org unit ${typeof orgUnitId === 'string' ? orgUnitId : '(invalid)'}`));
      if (!roleAllows(ctx.principal.role, operation.access)) {
        throw asTrpcError(forbidden(`The ${ctx.principal.role} role cannot do this; it needs ${operation.access.join(' or ')}`));
      }
      return next({ ctx: { principal: ctx.principal } });
    });
}

/** The static type of the procedures an operation set becomes, so clients are fully typed. */
export type ProceduresOf<Ops extends OperationSet> = {
  [Name in keyof Ops]: Ops[Name] extends Operation<infer Input, infer Output, infer Kind extends OperationKind>
    ? Kind extends 'query'
      ? TRPCQueryProcedure<{ input: z.input<Input>; output: Output; meta: object }>
      : TRPCMutationProcedure<{ input: z.input<Input>; output: Output; meta: object }>
    : never;
};

export function createTrpcRouter<Ops extends OperationSet>(operations: Ops) {
  const procedures = Object.fromEntries(
    Object.entries(operations).map(([name, operation]) => {
      const procedure = procedureFor(operation);
      const run = async ({ ctx, input }: { ctx: { principal: Principal }; input: unknown }) => {
        try {
          return await operation.handle(ctx.principal, input);
        } catch (error) {
          throw asTrpcError(toAppError(error));
        }
      };
      return [name, operation.kind === 'query' ? procedure.query(run) : procedure.mutation(run)];
    }),
  ) as unknown as ProceduresOf<Ops>;
  return t.router({ businessOS: t.router(procedures) });
}

/** The router's type, for typed clients: `createTRPCClient<AppRouter>(...)`. */
export type AppRouter = ReturnType<typeof createTrpcRouter<Operations>>;
