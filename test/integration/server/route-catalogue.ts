import type { AppFixture } from '../../support/app-fixture.js';

/**
 * A valid request for every authenticated route, keyed by `METHOD url-pattern`. The auth
 * and bad-input suites walk this table, and fail when a route exists that it lacks.
 */
export type ValidRequest = { url: string; body?: unknown };

/** A well-formed id of nothing: allowed callers get past auth and learn it does not exist. */
const ghost = '00000000-0000-4000-8000-000000000000';

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
    'GET /api/org-units/:orgUnitId/approvals': (org) => ({ url: `/api/org-units/${org}/approvals?status=pending` }),
    'GET /api/org-units/:orgUnitId/approvals/:approvalId': (org) => ({ url: `/api/org-units/${org}/approvals/${ghost}` }),
    'POST /api/org-units/:orgUnitId/approvals/:approvalId/decision': (org) => ({
      url: `/api/org-units/${org}/approvals/${ghost}/decision`,
      body: { decision: 'approve', reason: 'looks right' },
    }),
    'GET /api/org-units/:orgUnitId/incidents': (org) => ({ url: `/api/org-units/${org}/incidents?status=open` }),
    'PATCH /api/org-units/:orgUnitId/incidents/:incidentId': (org) => ({ url: `/api/org-units/${org}/incidents/${ghost}`, body: { status: 'acknowledged' } }),
    'GET /api/org-units/:orgUnitId/kill-switch': (org) => ({ url: `/api/org-units/${org}/kill-switch` }),
    'GET /api/org-units/:orgUnitId/dashboard': (org) => ({ url: `/api/org-units/${org}/dashboard` }),
    'GET /api/org-units/:orgUnitId/state-history': (org) => ({ url: `/api/org-units/${org}/state-history?limit=30` }),
    'GET /api/org-units/:orgUnitId/verdicts/:verdictId': (org) => ({ url: `/api/org-units/${org}/verdicts/${ghost}` }),
    'POST /api/org-units/:orgUnitId/kill-switch': (org) => ({ url: `/api/org-units/${org}/kill-switch`, body: { action: 'release', scope: 'ads', reason: 'matrix' } }),
    'GET /api/org-units/:orgUnitId/policies': (org) => ({ url: `/api/org-units/${org}/policies` }),
    'GET /api/org-units/:orgUnitId/policies/:name/versions/:version': (org) => ({ url: `/api/org-units/${org}/policies/margin_floor/versions/1` }),
    'POST /api/org-units/:orgUnitId/policies/:name/versions': (org) => ({
      url: `/api/org-units/${org}/policies/matrix_rule/versions`,
      body: { source: 'policy matrix_rule\n  on ads.*\n  require_approval when action.input.dailyBudgetMinor > 100000\n  because "big budget"\n' },
    }),
    'POST /api/org-units/:orgUnitId/policies/:name/versions/:version/activate': (org) => ({ url: `/api/org-units/${org}/policies/nothing_here/versions/9/activate` }),
    'POST /api/org-units/:orgUnitId/policies/:name/versions/:version/shadow': (org) => ({ url: `/api/org-units/${org}/policies/nothing_here/versions/9/shadow` }),
    'POST /api/org-units/:orgUnitId/policies/:name/versions/:version/retire': (org) => ({ url: `/api/org-units/${org}/policies/nothing_here/versions/9/retire` }),
    'GET /api/org-units/:orgUnitId/audit/verify': (org) => ({ url: `/api/org-units/${org}/audit/verify` }),
    'GET /api/org-units/:orgUnitId/audit/checkpoint': (org) => ({ url: `/api/org-units/${org}/audit/checkpoint` }),
    'GET /api/org-units/:orgUnitId/audit/export': (org) => ({ url: `/api/org-units/${org}/audit/export` }),
    'GET /api/org-units/:orgUnitId/workflows': (org) => ({ url: `/api/org-units/${org}/workflows` }),
    'GET /api/org-units/:orgUnitId/workflows/:workflowId/runs': (org) => ({ url: `/api/org-units/${org}/workflows/wf_nothing_here/runs?status=completed` }),
    'POST /api/org-units/:orgUnitId/workflows/:workflowId/runs': (org) => ({
      url: `/api/org-units/${org}/workflows/wf_nothing_here/runs`,
      body: { idempotencyKey: 'matrix-run', payload: {} },
    }),
    'POST /api/org-units/:orgUnitId/workflows/:workflowId/pause': (org) => ({ url: `/api/org-units/${org}/workflows/wf_nothing_here/pause` }),
    'POST /api/org-units/:orgUnitId/workflows/:workflowId/resume': (org) => ({ url: `/api/org-units/${org}/workflows/wf_nothing_here/resume` }),
    'GET /api/org-units/:orgUnitId/runs/:runId': (org) => ({ url: `/api/org-units/${org}/runs/${ghost}` }),
    'GET /api/org-units/:orgUnitId/runs/:runId/replay': (org) => ({ url: `/api/org-units/${org}/runs/${ghost}/replay` }),
    'POST /api/workflows/:workflowId/autonomy': () => ({ url: '/api/workflows/wf_nothing_here/autonomy', body: { autonomyLevel: 'a1_assisted' } }),
    'POST /api/org-units/:orgUnitId/decisions': (org) => ({
      url: `/api/org-units/${org}/decisions`,
      body: { decisionType: 'stream_schedule', context: { revenue: 50000, orders: 1000, marginPercent: 0.25 }, shadow: true },
    }),
    'POST /api/org-units/:orgUnitId/decisions/:decisionId/outcome': (org) => ({ url: `/api/org-units/${org}/decisions/${ghost}/outcome`, body: { value: '120.50' } }),
    'GET /api/org-units/:orgUnitId/decisions': (org) => ({ url: `/api/org-units/${org}/decisions?decisionType=pricing` }),
    'GET /api/org-units/:orgUnitId/decision-policies/report': (org) => ({ url: `/api/org-units/${org}/decision-policies/report?decisionType=stream_schedule&candidate=linucb` }),
    'GET /api/org-units/:orgUnitId/decision-policies': (org) => ({ url: `/api/org-units/${org}/decision-policies?decisionType=pricing` }),
    'POST /api/org-units/:orgUnitId/decision-policies': (org) => ({ url: `/api/org-units/${org}/decision-policies`, body: { decisionType: 'stream_schedule', algorithm: 'linucb' } }),
    'POST /api/org-units/:orgUnitId/decision-policies/:experimentId/promote': (org) => ({ url: `/api/org-units/${org}/decision-policies/${ghost}/promote` }),
    'POST /api/org-units/:orgUnitId/goals': (org) => ({ url: `/api/org-units/${org}/goals`, body: { title: 'Reach $100K monthly revenue', type: 'okr', targetValue: '100000' } }),
    'GET /api/org-units/:orgUnitId/goals': (org) => ({ url: `/api/org-units/${org}/goals` }),
    'GET /api/org-units/:orgUnitId/tools': (org) => ({ url: `/api/org-units/${org}/tools` }),
    'POST /api/org-units/:orgUnitId/tools/:tool/calls': (org) => {
      tokenCounter += 1;
      return { url: `/api/org-units/${org}/tools/orders.release/calls`, body: { input: { orderId: ghost }, idempotencyKey: `matrix-tool-${tokenCounter}`, mode: 'dry_run' } };
    },
    'GET /api/org-units/:orgUnitId/drafts': (org) => ({ url: `/api/org-units/${org}/drafts?limit=5` }),
    'POST /api/org-units/:orgUnitId/drafts/:actionId/complete': (org) => ({ url: `/api/org-units/${org}/drafts/${ghost}/complete`, body: { note: 'done by hand' } }),
    'POST /api/org-units/:orgUnitId/drafts/:actionId/discard': (org) => ({ url: `/api/org-units/${org}/drafts/${ghost}/discard`, body: { reason: 'not needed' } }),
    'GET /api/org-units/:orgUnitId/ledger/balances': (org) => ({ url: `/api/org-units/${org}/ledger/balances?asOf=2026-11-25T10:00:00Z` }),
    'GET /api/org-units/:orgUnitId/ledger/accounts/:account/balance': (org) => ({ url: `/api/org-units/${org}/ledger/accounts/creator:404:payable/balance?currency=USD` }),
    'GET /api/org-units/:orgUnitId/ledger/transfers/:transferKey': (org) => ({ url: `/api/org-units/${org}/ledger/transfers/nothing-here` }),
    'GET /api/org-units/:orgUnitId/ledger/trial-balance': (org) => ({ url: `/api/org-units/${org}/ledger/trial-balance` }),
    'GET /api/org-units/:orgUnitId/ledger/reconciliations/:reconciliationId': (org) => ({ url: `/api/org-units/${org}/ledger/reconciliations/${ghost}` }),
    'GET /api/org-units/:orgUnitId/ledger/disputes/:disputeId': (org) => ({ url: `/api/org-units/${org}/ledger/disputes/${ghost}` }),
    'POST /api/org-units/:orgUnitId/ledger/transfers': (org) => {
      tokenCounter += 1;
      return {
        url: `/api/org-units/${org}/ledger/transfers`,
        body: {
          transferKey: `matrix-transfer-${tokenCounter}`,
          legs: [
            { account: 'processor:clearing', currency: 'USD', amountMinor: 100 },
            { account: 'revenue:sales', currency: 'USD', amountMinor: -100 },
          ],
        },
      };
    },
    'POST /api/org-units/:orgUnitId/ledger/holds/:holdKey/post': (org) => ({ url: `/api/org-units/${org}/ledger/holds/nothing-here/post`, body: {} }),
    'POST /api/org-units/:orgUnitId/ledger/holds/:holdKey/void': (org) => ({ url: `/api/org-units/${org}/ledger/holds/nothing-here/void`, body: {} }),
    'POST /api/org-units/:orgUnitId/ledger/transfers/:transferKey/reverse': (org) => ({ url: `/api/org-units/${org}/ledger/transfers/nothing-here/reverse`, body: {} }),
    'POST /api/org-units/:orgUnitId/ledger/payouts': (org) => ({
      url: `/api/org-units/${org}/ledger/payouts`,
      body: { transferKey: 'matrix-payout', payee: 'creator:404:payable', amountMinor: 100, currency: 'USD' },
    }),
    'POST /api/org-units/:orgUnitId/ledger/reconciliations': (org) => ({
      url: `/api/org-units/${org}/ledger/reconciliations`,
      body: { periodStart: '2026-11-01', periodEnd: '2026-11-30', format: 'csv', text: 'reference,currency,amount\nmatrix-nothing,USD,1.00\n' },
    }),
    'POST /api/org-units/:orgUnitId/ledger/reconciliations/:reconciliationId/reconcile': (org) => ({ url: `/api/org-units/${org}/ledger/reconciliations/${ghost}/reconcile`, body: {} }),
    'POST /api/org-units/:orgUnitId/ledger/disputes': (org) => ({
      url: `/api/org-units/${org}/ledger/disputes`,
      body: { orderId: ghost, amountMinor: 500, currency: 'USD', reason: 'matrix' },
    }),
    'POST /api/org-units/:orgUnitId/ledger/disputes/:disputeId/resolution': (org) => ({ url: `/api/org-units/${org}/ledger/disputes/${ghost}/resolution`, body: { outcome: 'won' } }),
    'POST /api/org-units/:orgUnitId/simulations': (org) => ({ url: `/api/org-units/${org}/simulations`, body: { scenario: { changes: { priceChange: 5 }, duration: 3 }, samples: 16 } }),
    'POST /api/org-units/:orgUnitId/simulations/sweeps': (org) => ({ url: `/api/org-units/${org}/simulations/sweeps`, body: { duration: 3, grid: { priceChange: [0, 5] }, samples: 8 } }),
    'GET /api/org-units/:orgUnitId/simulations': (org) => ({ url: `/api/org-units/${org}/simulations?limit=5&kind=single` }),
    'GET /api/org-units/:orgUnitId/simulations/:simulationId': (org) => ({ url: `/api/org-units/${org}/simulations/${ghost}` }),
    'GET /api/org-units/:orgUnitId/simulations/:simulationId/runs': (org) => ({ url: `/api/org-units/${org}/simulations/${ghost}/runs?limit=5` }),
    'POST /api/org-units/:orgUnitId/simulations/:simulationId/rerun': (org) => ({ url: `/api/org-units/${org}/simulations/${ghost}/rerun` }),
    'GET /api/org-units/:orgUnitId/twin/calibration': (org) => ({ url: `/api/org-units/${org}/twin/calibration` }),
    'POST /api/events': () => {
      tokenCounter += 1;
      return {
        url: '/api/events',
        body: { type: 'stream.started', idempotencyKey: `matrix-${tokenCounter}`, occurredAt: '2026-11-25T10:00:00Z', payload: { streamId: 's-1', creatorHandle: 'lena.live' } },
      };
    },
    'POST /api/events/batch': () => {
      tokenCounter += 1;
      return {
        url: '/api/events/batch',
        body: { events: [{ type: 'stream.started', idempotencyKey: `matrix-batch-${tokenCounter}`, occurredAt: '2026-11-25T10:00:00Z', payload: { streamId: 's-1', creatorHandle: 'lena.live' } }] },
      };
    },
  };
}
