import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../../engine/governance/index.js';
import type { VerdictDto } from '../../../server/contracts/verdicts.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const org = () => `/api/org-units/${f.orgUnitId}`;

describe('getVerdict', () => {
  it('names the policy rule that asked for an approval, and why', async () => {
    const action: Action = {
      orgUnitId: f.orgUnitId,
      actor: { id: 'operator-1', kind: 'user', role: 'operator' },
      tool: 'refunds.issue',
      input: { orderId: 'o-1', amountMinor: 75_000, currency: 'USD' },
      context: {},
      autonomous: false,
    };
    const verdict = await f.built.governance.governor.evaluate(action);
    const approval = await f.built.governance.approvals.request(action, verdict, { expiresInMs: 3_600_000 });
    const response = await f.built.app.inject({ method: 'GET', url: `${org()}/verdicts/${approval.verdictId ?? ''}`, headers: bearer(f.tokens.viewer) });
    expect(response.statusCode).toBe(200);
    const body = response.json<VerdictDto>();
    expect(body).toMatchObject({ id: approval.verdictId, tool: 'refunds.issue', outcome: 'require_approval' });
    const rule = body.reasons.find((reason) => reason.kind === 'rule' && reason.effect === 'require_approval');
    expect(rule).toMatchObject({ policy: expect.any(String), version: expect.any(Number), message: expect.any(String) });
    expect(approval.summary).toContain(String(rule?.message));
    expect(body.policyVersions.map((policy) => policy.name)).toContain(rule?.policy);
  });

  it('answers 404 for a verdict that does not exist and names a malformed id', async () => {
    const missing = await f.built.app.inject({ method: 'GET', url: `${org()}/verdicts/00000000-0000-4000-8000-000000000000`, headers: bearer(f.tokens.viewer) });
    expect(missing.statusCode).toBe(404);
    const malformed = await f.built.app.inject({ method: 'GET', url: `${org()}/verdicts/nope`, headers: bearer(f.tokens.viewer) });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ errors: unknown[] }>().errors).toEqual([{ path: 'params.verdictId', message: 'must be a UUID' }]);
  });
});
