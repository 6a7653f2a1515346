import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles } from '../../../engine/kernel/index.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { routeCatalogue } from './route-catalogue.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const authenticated = () => f.built.routes.filter((route) => route.access !== undefined);

async function call(method: string, request: { url: string; body?: unknown }, headers: Record<string, string> = {}) {
  return f.built.app.inject({
    method: method as 'GET',
    url: request.url,
    headers,
    ...(request.body === undefined ? {} : { payload: request.body as object }),
  });
}

describe('auth matrix, for every authenticated route', () => {
  it('has a valid request for every route the app registers', () => {
    const catalogue = routeCatalogue(f);
    const missing = authenticated().map((r) => `${r.method} ${r.url}`).filter((key) => !(key in catalogue));
    expect(missing).toEqual([]);
    expect(authenticated().length).toBeGreaterThanOrEqual(22);
  });

  it('answers 401 problem+json without a token, with a malformed header, and with a forged token', async () => {
    const catalogue = routeCatalogue(f);
    for (const route of authenticated()) {
      const request = catalogue[`${route.method} ${route.url}`]!(f.orgUnitId);
      for (const headers of [{}, { authorization: 'Basic abc' }, bearer(`bos_abcdefghijkl_${'x'.repeat(43)}`), bearer('not-a-token')]) {
        const response = await call(route.method, request, headers);
        expect(response.statusCode, `${route.method} ${route.url} with ${JSON.stringify(headers)}`).toBe(401);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      }
    }
  });

  it('answers 403 to every role the route does not allow, and lets every role it allows past', async () => {
    const catalogue = routeCatalogue(f);
    for (const route of authenticated()) {
      for (const role of roles) {
        const request = catalogue[`${route.method} ${route.url}`]!(f.orgUnitId);
        const response = await call(route.method, request, bearer(f.tokens[role]));
        const label = `${role} on ${route.method} ${route.url}`;
        if (route.access!.includes(role)) {
          // Past the route's own check: a success, a 404 for a ghost id, a 409, or the
          // governor's own refusal (GOV_DENIED, audited) — never 401, never the route's 403.
          expect(response.statusCode, `${label}: ${response.body}`).toBeLessThan(500);
          expect(response.statusCode, label).not.toBe(401);
          if (response.statusCode === 403) expect(response.json(), label).toMatchObject({ code: 'GOV_DENIED' });
        } else {
          expect(response.statusCode, label).toBe(403);
          expect(response.json(), label).toMatchObject({ code: 'FORBIDDEN' });
        }
      }
    }
  });

  it("answers 404 to a founder asking for another org unit's data, on every org-scoped route", async () => {
    const catalogue = routeCatalogue(f);
    for (const route of authenticated().filter((r) => r.url.includes(':orgUnitId'))) {
      const request = catalogue[`${route.method} ${route.url}`]!(f.orgUnitId);
      const response = await call(route.method, request, bearer(f.otherOrgFounderToken));
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
      // The same answer as for an org unit that does not exist at all.
      const ghost = await call(route.method, catalogue[`${route.method} ${route.url}`]!('org_ghost'), bearer(f.tokens.founder));
      expect(ghost.statusCode).toBe(404);
    }
  });

  it('refuses a revoked token at once', async () => {
    const issued = await call('POST', { url: `/api/org-units/${f.orgUnitId}/tokens`, body: { name: 'short-lived', role: 'viewer' } }, bearer(f.tokens.founder));
    expect(issued.statusCode).toBe(201);
    const { id, token } = issued.json<{ id: string; token: string }>();
    expect((await call('GET', { url: '/api/me' }, bearer(token))).statusCode).toBe(200);
    expect((await call('DELETE', { url: `/api/org-units/${f.orgUnitId}/tokens/${id}` }, bearer(f.tokens.founder))).statusCode).toBe(204);
    expect((await call('GET', { url: '/api/me' }, bearer(token))).statusCode).toBe(401);
  });

  it('never stores the token itself, only its hash', async () => {
    const issued = await call('POST', { url: `/api/org-units/${f.orgUnitId}/tokens`, body: { name: 'hashed', role: 'operator' } }, bearer(f.tokens.founder));
    const { token } = issued.json<{ token: string }>();
    expect(token).toMatch(/^bos_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const listing = await call('GET', { url: `/api/org-units/${f.orgUnitId}/tokens` }, bearer(f.tokens.founder));
    expect(listing.body).not.toContain(token.slice(17));
  });
});
