import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Action } from '../../../engine/governance/index.js';
import type { Role } from '../../../engine/kernel/index.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
const ids = {} as Record<Role, string>;
beforeAll(async () => {
  f = await createAppFixture();
  for (const role of ['founder', 'operator', 'viewer', 'agent'] as const) {
    ids[role] = (await call(role, 'GET', '/api/me')).json<{ principal: { id: string } }>().principal.id;
  }
});
afterAll(async () => {
  await f.close();
});

function call(role: Role, method: 'GET' | 'POST' | 'PATCH', url: string, body?: object) {
  return f.built.app.inject({ method, url, headers: bearer(f.tokens[role]), ...(body ? { payload: body } : {}) });
}
const org = () => `/api/org-units/${f.orgUnitId}`;
const countAudit = (kind: string) =>
  f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM audit_log WHERE org_unit_id = ${f.orgUnitId} AND kind = ${kind}`);

/** A refund large enough that the built-in policy asks for approval, requested by the operator. */
async function pendingRefundApproval(): Promise<{ id: string; actionHash: string }> {
  const action: Action = {
    orgUnitId: f.orgUnitId,
    actor: { id: ids.operator, kind: 'user', role: 'operator' },
    tool: 'refunds.issue',
    input: { orderId: 'o-1', amountMinor: 75_000, currency: 'USD' },
    context: {},
    autonomous: false,
  };
  const verdict = await f.built.governance.governor.evaluate(action);
  expect(verdict.outcome).toBe('require_approval');
  const approval = await f.built.governance.approvals.request(action, verdict, { expiresInMs: 3_600_000 });
  return { id: approval.id, actionHash: approval.actionHash };
}

describe('approvals through the API', () => {
  it('refuses the requester, agents and viewers, lets an operator decide once, and answers 409 after', async () => {
    const { id, actionHash } = await pendingRefundApproval();
    const decide = (role: Role, body: object = { decision: 'approve', reason: 'checked the order' }) => call(role, 'POST', `${org()}/approvals/${id}/decision`, body);
    const listed = (await call('viewer', 'GET', `${org()}/approvals?status=pending`)).json<{ items: { id: string; tool: string; action: object }[] }>();
    expect(listed.items.find((a) => a.id === id)).toMatchObject({ tool: 'refunds.issue', action: expect.objectContaining({ tool: 'refunds.issue' }) });

    const self = await decide('operator');
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ code: 'GOV_DENIED' });
    expect(self.json<{ detail: string }>().detail).toMatch(/never approves its own action/);
    const agent = await decide('agent');
    expect(agent.statusCode).toBe(403);
    expect(agent.json<{ detail: string }>().detail).toMatch(/agent can propose but never approve/);
    expect((await decide('viewer')).json()).toMatchObject({ code: 'FORBIDDEN' });

    const changed = await decide('founder', { decision: 'approve', reason: 'ok', actionHash: 'f'.repeat(64) });
    expect(changed.json()).toMatchObject({ code: 'APPROVAL_VOID' });
    const { id: id2, actionHash: hash2 } = await pendingRefundApproval();
    const approved = await call('founder', 'POST', `${org()}/approvals/${id2}/decision`, { decision: 'approve', reason: 'fine', actionHash: hash2 });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedBy: ids.founder, decisionReason: 'fine' });
    const again = await call('founder', 'POST', `${org()}/approvals/${id2}/decision`, { decision: 'reject', reason: 'changed my mind' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'APPROVAL_ALREADY_DECIDED' });
    expect(actionHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the kill switch through the API', () => {
  it('is engaged by an operator, stops autonomous actions in scope, and is released only by a founder', async () => {
    const engaged = await call('operator', 'POST', `${org()}/kill-switch`, { action: 'engage', scope: 'pricing', reason: 'prices look wrong' });
    expect(engaged.statusCode).toBe(200);
    expect((await call('viewer', 'GET', `${org()}/kill-switch`)).json()).toMatchObject({ scopes: ['pricing'] });
    const autonomous: Action = {
      orgUnitId: f.orgUnitId,
      actor: { id: ids.agent, kind: 'agent', role: 'agent' },
      tool: 'pricing.set_price',
      input: { productId: f.productId, priceMinor: 5200 },
      context: {},
      projected: { marginPercent: 0.4 },
      risk: { pMarginBelowFloor: 0.01 },
      autonomous: true,
    };
    expect((await f.built.governance.governor.evaluate(autonomous)).invariants.map((i) => i.name)).toEqual(['kill_switch']);
    const incidents = (await call('viewer', 'GET', `${org()}/incidents?source=kill_switch`)).json<{ items: { title: string; severity: string }[] }>();
    expect(incidents.items[0]).toMatchObject({ severity: 'critical' });

    const byOperator = await call('operator', 'POST', `${org()}/kill-switch`, { action: 'release', scope: 'pricing', reason: 'fixed' });
    expect(byOperator.statusCode).toBe(403);
    expect(byOperator.json()).toMatchObject({ code: 'GOV_DENIED' });
    const byFounder = await call('founder', 'POST', `${org()}/kill-switch`, { action: 'release', scope: 'pricing', reason: 'fixed' });
    expect(byFounder.statusCode).toBe(200);
    expect((await f.built.governance.governor.evaluate(autonomous)).outcome).toBe('allow');
    expect(await countAudit('kill_switch.engaged')).toBe(1);
    expect(await countAudit('kill_switch.released')).toBe(1);
    // Both changes went out on the org unit's live stream, in order.
    const streamed = await f.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM stream_events WHERE org_unit_id = ${f.orgUnitId} AND type IN ('killswitch.changed', 'incident.opened') ORDER BY seq`);
    expect(streamed).toEqual(['incident.opened', 'killswitch.changed', 'killswitch.changed']);
  });
});

describe('policies through the API', () => {
  it('are changed by founders only, reject bad text with line and column, and move draft → shadow → active', async () => {
    const source = 'policy ads_ceiling\n  on ads.set_budget\n  require_approval when action.input.dailyBudgetMinor > 500000\n  because "budgets over $5,000 a day need a person"\n';
    const byOperator = await call('operator', 'POST', `${org()}/policies/ads_ceiling/versions`, { source });
    expect(byOperator.statusCode).toBe(403);
    const broken = await call('founder', 'POST', `${org()}/policies/ads_ceiling/versions`, { source: 'policy ads_ceiling\n  on ads.*\n  deny when action.input.x >\n  because "x"\n' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ code: 'POLICY_INVALID' });
    expect(broken.json<{ detail: string }>().detail).toMatch(/line \d+, column \d+/);
    const created = await call('founder', 'POST', `${org()}/policies/ads_ceiling/versions`, { source });
    expect(created.statusCode).toBe(201);
    const { version } = created.json<{ version: number }>();
    const shadowed = await call("founder", "POST", `${org()}/policies/ads_ceiling/versions/${version}/shadow`);
    expect(shadowed.json(), shadowed.body).toMatchObject({ status: "shadow" });
    expect((await call('founder', 'POST', `${org()}/policies/ads_ceiling/versions/${version}/activate`)).json()).toMatchObject({ status: 'active' });
    const listed = (await call('viewer', 'GET', `${org()}/policies?name=ads_ceiling`)).json<{ items: { status: string }[] }>();
    expect(listed.items.map((p) => p.status)).toEqual(['active']);
    expect(await countAudit('policy.changed')).toBeGreaterThanOrEqual(3);
  });
});

describe('incidents through the API', () => {
  it('are acknowledged and resolved with a resolution, and refuse a step back', async () => {
    const opened = await f.built.governance.incidents.open(
      { orgUnitId: f.orgUnitId, severity: 'high', source: 'system', title: 'Processor statement late', description: 'no file by 06:00' },
      { id: ids.operator, kind: 'user', role: 'operator' },
    );
    const path = `${org()}/incidents/${opened.id}`;
    expect((await call('viewer', 'PATCH', path, { status: 'acknowledged' })).statusCode).toBe(403);
    expect((await call('operator', 'PATCH', path, { status: 'acknowledged' })).json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: ids.operator });
    expect((await call('operator', 'PATCH', path, { status: 'resolved' })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await call('operator', 'PATCH', path, { status: 'resolved', resolution: 'file arrived at 07:10' })).json()).toMatchObject({ status: 'resolved' });
    expect((await call('operator', 'PATCH', path, { status: 'acknowledged' })).json()).toMatchObject({ code: 'INCIDENT_TRANSITION_INVALID' });
  });
});

describe('the audit chain through the API', () => {
  it('records privileged calls and verifies', async () => {
    const before = await countAudit('api.privileged_call');
    expect((await call('founder', 'POST', `${org()}/tokens`, { name: 'audited-one', role: 'viewer' })).statusCode).toBe(201);
    await f.built.audit.flush();
    expect(await countAudit('api.privileged_call')).toBe(before + 1);
    const verified = await call('operator', 'GET', `${org()}/audit/verify`);
    expect(verified.json()).toMatchObject({ ok: true });
    expect(verified.json<{ count: number }>().count).toBeGreaterThan(5);
  });

  it('exports the chain as JSON Lines and stores the checkpoint an outsider can keep', async () => {
    await f.built.audit.flush();
    const exported = await call('operator', 'GET', `${org()}/audit/export`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = exported.body.trimEnd().split('\n').map((line) => JSON.parse(line) as { seq: number; hash: string });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    const checkpoint = await call('operator', 'GET', `${org()}/audit/checkpoint`);
    expect(checkpoint.json()).toMatchObject({ seq: lines.length, count: lines.length, headHash: lines.at(-1)?.hash });
    expect((await call('viewer', 'GET', `${org()}/audit/export`)).statusCode).toBe(403);
  });
});
