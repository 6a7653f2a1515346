import type { AppFixture } from '../../support/app-fixture.js';

/**
 * A valid request for every authenticated route, keyed by `METHOD url-pattern`. The auth
 * and bad-input suites walk this table, and fail when a route exists that it lacks.
 */
export type ValidRequest = { url: string; body?: unknown };

export function routeCatalogue(f: AppFixture): Record<string, (org: string) => ValidRequest> {
  let tokenCounter = 0;
  return {
    'GET /api/me': () => ({ url: '/api/me' }),
    'GET /api/org-units/:orgUnitId': (org) => ({ url: `/api/org-units/${org}` }),
    'GET /api/org-units/:orgUnitId/products': (org) => ({ url: `/api/org-units/${org}/products?limit=10` }),
    'GET /api/org-units/:orgUnitId/products/:productId': (org) => ({ url: `/api/org-units/${org}/products/${f.productId}` }),
    'GET /api/org-units/:orgUnitId/creators': (org) => ({ url: `/api/org-units/${org}/creators` }),
    'GET /api/org-units/:orgUnitId/tokens': (org) => ({ url: `/api/org-units/${org}/tokens` }),
    'POST /api/org-units/:orgUnitId/tokens': (org) => {
      tokenCounter += 1;
      return { url: `/api/org-units/${org}/tokens`, body: { name: `matrix-${tokenCounter}`, role: 'viewer' } };
    },
    'DELETE /api/org-units/:orgUnitId/tokens/:tokenId': (org) => ({ url: `/api/org-units/${org}/tokens/zzzzzzzzzzzz` }),
  };
}
