import { ZodEffects, ZodObject, type z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { errorCatalog } from '../errors/catalog.js';
import type { OperationSet } from './operation.js';
import { pathKeys } from './rest-adapter.js';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodTypeAny): JsonSchema => {
  const { $schema: _ignored, ...rest } = zodToJsonSchema(schema as z.ZodType, { target: 'openApi3', $refStrategy: 'none' }) as JsonSchema;
  return rest;
};

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorCatalog) },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The object under any refinements (`.superRefine`), whose fields become parameters. */
function objectOf(schema: z.ZodTypeAny): ZodObject<z.ZodRawShape> | undefined {
  let current = schema;
  while (current instanceof ZodEffects) current = current.innerType() as z.ZodTypeAny;
  return current instanceof ZodObject ? (current as ZodObject<z.ZodRawShape>) : undefined;
}

/** The OpenAPI 3.0 description of the REST side of every operation. */
export function openApiDocument(
  operations: OperationSet,
  info: { version: string; serverUrl: string },
  /** Routes that are not operations (they stream), described by hand. */
  extraPaths: Record<string, Record<string, unknown>> = {},
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, operation] of Object.entries(operations)) {
    const input = objectOf(operation.input);
    if (!input) throw new TypeError(`operation ${name}: input must be a zod object (refinements allowed)`);
    const shape = input.shape as Record<string, z.ZodTypeAny>;
    const inPath = pathKeys(operation.path);
    const inBody = ['POST', 'PATCH', 'PUT'].includes(operation.method);
    const parameters = Object.entries(shape)
      .filter(([key]) => inPath.includes(key) || !inBody)
      .map(([key, schema]) => ({
        name: key,
        in: inPath.includes(key) ? 'path' : 'query',
        required: inPath.includes(key) || !schema.isOptional(),
        schema: jsonSchema(schema),
      }));
    const status = String(operation.successStatus ?? 200);
    const url = operation.path.replace(/:(\w+)/g, '{$1}');
    paths[url] ??= {};
    paths[url][operation.method.toLowerCase()] = {
      operationId: name,
      summary: operation.summary,
      tags: operation.tags,
      description: `Roles: ${operation.access.join(', ')}. Also the tRPC procedure \`businessOS.${name}\` (${operation.kind}).`,
      parameters,
      ...(inBody
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(input.omit(Object.fromEntries(inPath.map((key) => [key, true] as const)))) } } } }
        : {}),
      responses: {
        [status]: status === '204' ? { description: 'Done' } : { description: 'OK', content: { 'application/json': { schema: jsonSchema(operation.output) } } },
        ...(operation.statusFor ? { 202: { description: 'Accepted: it waits for the approval named in approvalId', content: { 'application/json': { schema: jsonSchema(operation.output) } } } } : {}),
        400: problemResponse('Bad input: each failing field is named in errors[].path'),
        401: problemResponse('No valid token'),
        403: problemResponse('The role is not allowed'),
        404: problemResponse('Not found, or another org unit'),
        429: problemResponse('Rate limited'),
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Business OS',
      version: info.version,
      description: 'Every operation is also a procedure of the tRPC router `businessOS` at /trpc (superjson transformer). Money is integer minor units.',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ bearer: [] }],
    paths: { ...paths, ...extraPaths },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token: bos_<id>_<secret>' } },
      schemas: { Problem: problemSchema },
    },
  };
}
