import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { rowCounts } from '../../support/row-counts.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

type BadCase = { name: string; method: 'GET' | 'POST' | 'DELETE'; url: string; body?: string; contentType?: string; status: number; field: string };

function cases(): BadCase[] {
  const org = f.orgUnitId;
  const tokens = `/api/org-units/${org}/tokens`;
  const json = (value: unknown) => JSON.stringify(value);
  const huge = 'x'.repeat(100_000);
  const ghost = '00000000-0000-4000-8000-000000000000';
  return [
    { name: 'limit not a number', method: 'GET', url: `/api/org-units/${org}/products?limit=abc`, status: 400, field: 'query.limit' },
    { name: 'limit out of range', method: 'GET', url: `/api/org-units/${org}/products?limit=0`, status: 400, field: 'query.limit' },
    { name: 'limit not whole', method: 'GET', url: `/api/org-units/${org}/creators?limit=2.5`, status: 400, field: 'query.limit' },
    { name: 'unknown query field', method: 'GET', url: `/api/org-units/${org}/products?sort=price`, status: 400, field: 'query.sort' },
    { name: 'huge cursor', method: 'GET', url: `/api/org-units/${org}/products?after=${'a'.repeat(5000)}`, status: 400, field: 'query.after' },
    { name: 'product id not a uuid', method: 'GET', url: `/api/org-units/${org}/products/42`, status: 400, field: 'params.productId' },
    { name: 'token id malformed', method: 'DELETE', url: `${tokens}/NOT-AN-ID`, status: 400, field: 'params.tokenId' },
    { name: 'missing body', method: 'POST', url: tokens, status: 400, field: 'body' },
    { name: 'invalid JSON', method: 'POST', url: tokens, body: '{"name": "a", role:', status: 400, field: 'body' },
    { name: 'empty JSON body', method: 'POST', url: tokens, body: '', status: 400, field: 'body' },
    { name: 'missing field', method: 'POST', url: tokens, body: json({ role: 'viewer' }), status: 400, field: 'body.name' },
    { name: 'wrong type', method: 'POST', url: tokens, body: json({ name: 7, role: 'viewer' }), status: 400, field: 'body.name' },
    { name: 'unknown role', method: 'POST', url: tokens, body: json({ name: 'x', role: 'king' }), status: 400, field: 'body.role' },
    { name: 'extra field', method: 'POST', url: tokens, body: json({ name: 'x', role: 'viewer', orgUnitId: 'org_beta' }), status: 400, field: 'body.orgUnitId' },
    { name: 'huge string', method: 'POST', url: tokens, body: json({ name: huge, role: 'viewer' }), status: 400, field: 'body.name' },
    { name: 'expiry not whole', method: 'POST', url: tokens, body: json({ name: 'x', role: 'viewer', expiresInDays: 1.5 }), status: 400, field: 'body.expiresInDays' },
    { name: 'body not an object', method: 'POST', url: tokens, body: json(['x']), status: 400, field: 'body' },
    { name: 'body over the size limit', method: 'POST', url: tokens, body: json({ name: 'x'.repeat(400_000), role: 'viewer' }), status: 413, field: 'body' },
    { name: 'unknown approval status', method: 'GET', url: `/api/org-units/${org}/approvals?status=bogus`, status: 400, field: 'query.status' },
    { name: 'approval decision unknown', method: 'POST', url: `/api/org-units/${org}/approvals/${ghost}/decision`, body: json({ decision: 'maybe', reason: 'x' }), status: 400, field: 'body.decision' },
    { name: 'approval without a reason', method: 'POST', url: `/api/org-units/${org}/approvals/${ghost}/decision`, body: json({ decision: 'approve', reason: ' ' }), status: 400, field: 'body.reason' },
    { name: 'approval id not a uuid', method: 'POST', url: `/api/org-units/${org}/approvals/42/decision`, body: json({ decision: 'approve', reason: 'x' }), status: 400, field: 'params.approvalId' },
    { name: 'kill switch scope unknown', method: 'POST', url: `/api/org-units/${org}/kill-switch`, body: json({ action: 'engage', scope: 'everything', reason: 'x' }), status: 400, field: 'body.scope' },
    { name: 'kill switch action unknown', method: 'POST', url: `/api/org-units/${org}/kill-switch`, body: json({ action: 'toggle', scope: 'ads', reason: 'x' }), status: 400, field: 'body.action' },
    { name: 'incident status unknown', method: 'PATCH' as 'POST', url: `/api/org-units/${org}/incidents/${ghost}`, body: json({ status: 'open' }), status: 400, field: 'body.status' },
    { name: 'policy version not a number', method: 'GET', url: `/api/org-units/${org}/policies/margin_floor/versions/abc`, status: 400, field: 'params.version' },
    { name: 'policy name malformed', method: 'POST', url: `/api/org-units/${org}/policies/Bad-Name/versions`, body: json({ source: 'x' }), status: 400, field: 'params.name' },
    { name: 'policy source missing', method: 'POST', url: `/api/org-units/${org}/policies/new_rule/versions`, body: json({}), status: 400, field: 'body.source' },
    ...ledgerCases(org, ghost),
    ...twinCases(org, ghost),
    { name: 'not JSON at all', method: 'POST', url: tokens, body: 'name=x&role=viewer', contentType: 'application/x-www-form-urlencoded', status: 415, field: '' },
  ];
}

/** Bad scenarios (issue #5): unknown product, not a number, duration out of range, a price cut to nothing. */
function twinCases(org: string, ghost: string): BadCase[] {
  const simulations = `/api/org-units/${org}/simulations`;
  const json = (value: unknown) => JSON.stringify(value);
  const run = (scenario: unknown, extra: Record<string, unknown> = {}) => json({ scenario, ...extra });
  return [
    { name: 'twin: unknown product', method: 'POST', url: simulations, body: run({ changes: { products: [{ productId: ghost, priceChange: 5 }] }, duration: 7 }), status: 400, field: 'body.scenario.changes.products[0].productId' },
    { name: 'twin: unknown sku', method: 'POST', url: simulations, body: run({ changes: { products: [{ sku: 'NOPE-1', priceChange: 5 }] }, duration: 7 }), status: 400, field: 'body.scenario.changes.products[0].sku' },
    { name: 'twin: price change not a number', method: 'POST', url: simulations, body: run({ changes: { priceChange: 'NaN' }, duration: 7 }), status: 400, field: 'body.scenario.changes.priceChange' },
    { name: 'twin: duration 0', method: 'POST', url: simulations, body: run({ changes: {}, duration: 0 }), status: 400, field: 'body.scenario.duration' },
    { name: 'twin: duration over a year', method: 'POST', url: simulations, body: run({ changes: {}, duration: 366 }), status: 400, field: 'body.scenario.duration' },
    { name: 'twin: price cut of 100 %', method: 'POST', url: simulations, body: run({ changes: { priceChange: -100 }, duration: 7 }), status: 400, field: 'body.scenario.changes.priceChange' },
    { name: 'twin: unknown change', method: 'POST', url: simulations, body: run({ changes: { discount: 5 }, duration: 7 }), status: 400, field: 'body.scenario.changes.discount' },
    { name: 'twin: stream after the horizon', method: 'POST', url: simulations, body: run({ changes: { streams: { add: [{ creatorId: ghost, day: 9, categories: ['home'] }] } }, duration: 7 }), status: 400, field: 'body.scenario.changes.streams.add[0].day' },
    { name: 'twin: samples too few', method: 'POST', url: simulations, body: run({ changes: {}, duration: 7 }, { samples: 2 }), status: 400, field: 'body.samples' },
    { name: 'twin: sweep with both grid and list', method: 'POST', url: `${simulations}/sweeps`, body: json({ duration: 7, grid: { priceChange: [0] }, scenarios: [{}] }), status: 400, field: 'body.grid' },
    { name: 'twin: sweep grid price of -100 %', method: 'POST', url: `${simulations}/sweeps`, body: json({ duration: 7, grid: { priceChange: [0, -100] } }), status: 400, field: 'body.grid.priceChange[1]' },
    { name: 'twin: sweep too big', method: 'POST', url: `${simulations}/sweeps`, body: json({ duration: 7, scenarios: Array.from({ length: 600 }, () => ({})), samples: 2000 }), status: 400, field: 'body.samples' },
    { name: 'twin: simulation id not a uuid', method: 'GET', url: `${simulations}/42`, status: 400, field: 'params.simulationId' },
    { name: 'twin: list cursor made up', method: 'GET', url: `${simulations}?before=yesterday`, status: 400, field: 'query.before' },
  ];
}

function ledgerCases(org: string, ghost: string): BadCase[] {
  const ledger = `/api/org-units/${org}/ledger`;
  const json = (value: unknown) => JSON.stringify(value);
  const legs = (second: number) => [
    { account: 'processor:clearing', currency: 'USD', amountMinor: 100 },
    { account: 'revenue:sales', currency: 'USD', amountMinor: second },
  ];
  const payout = { transferKey: 'bad-payout', payee: 'creator:1:payable', amountMinor: 100, currency: 'USD' };
  const statement = { periodStart: '2026-11-01', periodEnd: '2026-11-30', format: 'csv', text: 'reference,currency,amount\nx,USD,1.00' };
  return [
    { name: 'ledger: account not a path', method: 'GET', url: `${ledger}/accounts/NOPE/balance`, status: 400, field: 'params.account' },
    { name: 'ledger: currency lower case', method: 'GET', url: `${ledger}/accounts/platform:cash/balance?currency=usd`, status: 400, field: 'query.currency' },
    { name: 'ledger: asOf not an instant', method: 'GET', url: `${ledger}/balances?asOf=yesterday`, status: 400, field: 'query.asOf' },
    { name: 'ledger: reconciliation id not a uuid', method: 'GET', url: `${ledger}/reconciliations/42`, status: 400, field: 'params.reconciliationId' },
    { name: 'ledger: amount in cents with a fraction', method: 'POST', url: `${ledger}/transfers`, body: json({ transferKey: 'k', legs: [{ account: 'processor:clearing', currency: 'USD', amountMinor: 1.5 }, { account: 'revenue:sales', currency: 'USD', amountMinor: -1.5 }] }), status: 400, field: 'body.legs[0].amountMinor' },
    { name: 'ledger: unbalanced legs', method: 'POST', url: `${ledger}/transfers`, body: json({ transferKey: 'k', legs: legs(-99) }), status: 400, field: 'body.legs[1].amountMinor' },
    { name: 'ledger: amount as a string', method: 'POST', url: `${ledger}/transfers`, body: json({ transferKey: 'k', legs: [{ account: 'processor:clearing', currency: 'USD', amountMinor: '100' }, legs(-100)[1]] }), status: 400, field: 'body.legs[0].amountMinor' },
    { name: 'ledger: unknown mode', method: 'POST', url: `${ledger}/transfers`, body: json({ transferKey: 'k', legs: legs(-100), mode: 'maybe' }), status: 400, field: 'body.mode' },
    { name: 'ledger: transfer without a key', method: 'POST', url: `${ledger}/transfers`, body: json({ legs: legs(-100) }), status: 400, field: 'body.transferKey' },
    { name: 'ledger: hold post with an unknown field', method: 'POST', url: `${ledger}/holds/h-1/post`, body: json({ amountMinor: 5 }), status: 400, field: 'body.amountMinor' },
    { name: 'ledger: payout to a non-payable', method: 'POST', url: `${ledger}/payouts`, body: json({ ...payout, payee: 'platform:cash' }), status: 400, field: 'body.payee' },
    { name: 'ledger: payout with an unknown fact', method: 'POST', url: `${ledger}/payouts`, body: json({ ...payout, context: { trustMe: true } }), status: 400, field: 'body.context.trustMe' },
    { name: 'ledger: payout of zero', method: 'POST', url: `${ledger}/payouts`, body: json({ ...payout, amountMinor: 0 }), status: 400, field: 'body.amountMinor' },
    { name: 'ledger: statement format unknown', method: 'POST', url: `${ledger}/reconciliations`, body: json({ ...statement, format: 'xml' }), status: 400, field: 'body.format' },
    { name: 'ledger: statement period not a date', method: 'POST', url: `${ledger}/reconciliations`, body: json({ ...statement, periodEnd: '30/11/2026' }), status: 400, field: 'body.periodEnd' },
    { name: 'ledger: dispute order not a uuid', method: 'POST', url: `${ledger}/disputes`, body: json({ orderId: 'o-1', amountMinor: 100, currency: 'USD' }), status: 400, field: 'body.orderId' },
    { name: 'ledger: dispute outcome unknown', method: 'POST', url: `${ledger}/disputes/${ghost}/resolution`, body: json({ outcome: 'draw' }), status: 400, field: 'body.outcome' },
  ];
}

describe('bad input on every route with input', () => {
  it('answers 4xx problem+json naming the field, and writes nothing', async () => {
    const before = await rowCounts(f.db.pool);
    for (const c of cases()) {
      const response = await f.built.app.inject({
        method: c.method,
        url: c.url,
        headers: { ...bearer(f.tokens.founder), ...(c.body === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' }) },
        ...(c.body === undefined ? {} : { payload: c.body }),
      });
      expect(response.statusCode, c.name).toBe(c.status);
      expect(response.headers['content-type'], c.name).toMatch(/^application\/problem\+json/);
      const problem = response.json<{ status: number; code: string; errors?: { path: string }[]; detail: string }>();
      expect(problem.status, c.name).toBe(c.status);
      if (c.field) expect(problem.errors?.map((e) => e.path), c.name).toContain(c.field);
      expect(problem.detail.length, c.name).toBeLessThan(2000);
    }
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });

  it('rejects a role change hidden in a token request with 409, writing nothing', async () => {
    const before = await rowCounts(f.db.pool);
    const response = await f.built.app.inject({
      method: 'POST',
      url: `/api/org-units/${f.orgUnitId}/tokens`,
      headers: bearer(f.tokens.founder),
      payload: { name: 'viewer-1', role: 'founder' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'CONFLICT', errors: [{ path: 'body.role' }] });
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });
});
