import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../server/api/trpc-router.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { rowCounts } from '../../support/row-counts.js';

let f: AppFixture;
let url: string;
beforeAll(async () => {
  f = await createAppFixture();
  url = await f.built.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await f.close();
});

const client = (token?: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: token ? { authorization: `Bearer ${token}` } : {} })],
  });

async function failure(call: Promise<unknown>): Promise<{ code: string; httpStatus: number; errors?: { path: string }[] }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error as TRPCClientError<AppRouter>).data as never;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('the businessOS tRPC router', () => {
  it('serves the same operations as REST, typed for clients', async () => {
    const trpc = client(f.tokens.viewer);
    const org = await trpc.businessOS.getOrgUnit.query({ orgUnitId: f.orgUnitId });
    expect(org).toMatchObject({ id: f.orgUnitId, name: 'Alpha' });
    const rest = await f.built.app.inject({ url: `/api/org-units/${f.orgUnitId}`, headers: { authorization: `Bearer ${f.tokens.viewer}` } });
    expect(rest.json()).toEqual(org);
    const page = await trpc.businessOS.listProducts.query({ orgUnitId: f.orgUnitId, limit: 5 });
    expect(page.items.map((p) => p.sku)).toEqual(['LAMP-1']);
  });

  it('runs mutations for the roles that may', async () => {
    const issued = await client(f.tokens.founder).businessOS.createToken.mutate({ orgUnitId: f.orgUnitId, name: 'via-trpc', role: 'viewer' });
    expect(issued.token).toMatch(/^bos_/);
    const me = await client(issued.token).businessOS.getMe.query({});
    expect(me.principal).toMatchObject({ name: 'via-trpc', role: 'viewer' });
  });

  it('answers with the same codes as REST: 401, 403, 404 and named bad fields, writing nothing', async () => {
    const before = await rowCounts(f.db.pool);
    expect(await failure(client().businessOS.getMe.query({}))).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401 });
    expect(await failure(client('bos_nope').businessOS.getMe.query({}))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await failure(client(f.tokens.operator).businessOS.createToken.mutate({ orgUnitId: f.orgUnitId, name: 'x', role: 'viewer' }))).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
    });
    expect(await failure(client(f.otherOrgFounderToken).businessOS.getOrgUnit.query({ orgUnitId: f.orgUnitId }))).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    const bad = await failure(
      client(f.tokens.founder).businessOS.createToken.mutate({ orgUnitId: f.orgUnitId, name: 'x', role: 'king' as 'viewer', extra: 1 } as never),
    );
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 400 });
    expect(bad.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['input.role', 'input.extra']));
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });
});

describe('API documentation', () => {
  it('serves an OpenAPI document describing every REST operation', async () => {
    const response = await f.built.app.inject('/docs/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[] }>> }>();
    expect(document.openapi).toMatch(/^3\./);
    const operationIds = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    const authenticated = f.built.routes.filter((route) => route.access !== undefined);
    expect(operationIds).toHaveLength(authenticated.length);
    const listProducts = document.paths['/api/org-units/{orgUnitId}/products']?.get;
    expect(listProducts?.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'orgUnitId', in: 'path' }), expect.objectContaining({ name: 'limit', in: 'query' })]));
  });

  it('serves a readable index at /docs', async () => {
    const response = await f.built.app.inject('/docs');
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('businessOS.listProducts');
    expect(response.body).toContain('/docs/openapi.json');
  });
});
