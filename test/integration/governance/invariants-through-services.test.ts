import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Actor } from '../../../engine/governance/index.js';
import {
  agent,
  createGovernanceFixture,
  founder,
  largeRefund,
  operator,
  priceChange,
  rejection,
  viewer,
  type GovernanceFixture,
} from './governance-fixture.js';

/**
 * Each hard invariant, and the ways a caller of the services might try to get around it.
 * The API adds its own tests on top; these hold at the service boundary, whatever calls it.
 */
let fx: GovernanceFixture;
beforeAll(async () => {
  fx = await createGovernanceFixture();
});
afterAll(async () => {
  await fx.close();
});

async function shop(): Promise<string> {
  const orgUnitId = await fx.newOrgUnit();
  await fx.services.policies.installBuiltins(orgUnitId);
  return orgUnitId;
}

const refusedBy = async (action: Action) => (await fx.services.governor.evaluate(action)).invariants.map((i) => i.name);

function payout(orgUnitId: string, input: Record<string, unknown>, context: Record<string, unknown>): Action {
  return {
    orgUnitId,
    actor: agent,
    tool: 'payouts.post',
    input,
    context,
    projected: { cashRunwayDays: 90 },
    autonomous: true,
  };
}

const funds = { reconciled: true, riskChecked: true, collectedNetMinor: 100_000, reservesMinor: 20_000, openDisputesMinor: 10_000 };

describe('hard invariants, through the services', () => {
  it('kill switch: an agent cannot slip past it by calling its action manual', async () => {
    const orgUnitId = await shop();
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'pricing', reason: 'stop', actor: operator });
    expect(await refusedBy(priceChange(orgUnitId))).toEqual(['kill_switch']);
    expect(await refusedBy(priceChange(orgUnitId, { autonomous: false }))).toEqual(['kill_switch']);
    expect(await refusedBy(priceChange(orgUnitId, { autonomous: false, actor: { id: 'bot', kind: 'user', role: 'agent' } }))).toEqual(['kill_switch']);
    // Nor by spelling the tool so that the scope no longer matches it.
    for (const tool of ['Pricing.set_price', ' pricing.set_price', 'pricing', 'pricing..set_price']) {
      const verdict = await fx.services.governor.evaluate(priceChange(orgUnitId, { tool }));
      expect(verdict).toMatchObject({ outcome: 'deny', failClosed: true, failures: [expect.objectContaining({ code: 'TOOL_NAME_INVALID' })] });
    }
  });

  it('kill switch: global covers every domain, and a person releasing it must be a founder', async () => {
    const orgUnitId = await shop();
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'global', reason: 'stop', actor: operator });
    expect(await refusedBy(priceChange(orgUnitId, { tool: 'content.publish', projected: undefined }))).toEqual(['kill_switch']);
    for (const actor of [operator, viewer, agent, { ...agent, role: 'operator' as const }]) {
      expect(await rejection(fx.services.killSwitch.release({ orgUnitId, scope: 'global', reason: 'go', actor }))).toMatchObject({ code: 'GOV_DENIED' });
    }
    expect((await fx.services.killSwitch.state(orgUnitId)).scopes).toEqual(['global']);
  });

  it('payouts need a reconciled ledger and a risk check, given as true and nothing else', async () => {
    const orgUnitId = await shop();
    const amount = { amountMinor: 10_000, currency: 'USD' };
    expect(await refusedBy(payout(orgUnitId, amount, funds))).toEqual([]);
    for (const context of [
      { ...funds, reconciled: undefined },
      { ...funds, reconciled: 'true' },
      { ...funds, reconciled: 1 },
      { ...funds, riskChecked: false },
      { ...funds, riskChecked: 'yes' },
    ]) {
      expect(await refusedBy(payout(orgUnitId, amount, context))).toContain('payout_needs_reconciliation_and_risk_check');
    }
    // By hand too: the invariant is not about autonomy.
    expect(await refusedBy({ ...payout(orgUnitId, amount, { ...funds, reconciled: false }), actor: founder, autonomous: false })).toContain(
      'payout_needs_reconciliation_and_risk_check',
    );
  });

  it('payouts never exceed collected net minus reserves and open disputes, however the amount is written', async () => {
    const orgUnitId = await shop();
    const available = funds.collectedNetMinor - funds.reservesMinor - funds.openDisputesMinor;
    expect(await refusedBy(payout(orgUnitId, { amountMinor: available }, funds))).toEqual([]);
    for (const amountMinor of [available + 1, String(available + 1), '1', 1.5, -Number.MAX_VALUE, Number.POSITIVE_INFINITY, 2 ** 60, null]) {
      expect(await refusedBy(payout(orgUnitId, { amountMinor }, funds))).toContain('payout_within_available_funds');
    }
    // Funds the caller cannot vouch for count as unknown, not as zero.
    expect(await refusedBy(payout(orgUnitId, { amountMinor: 1 }, { ...funds, openDisputesMinor: undefined }))).toContain('payout_within_available_funds');
    expect(await refusedBy(payout(orgUnitId, { amountMinor: 1 }, { ...funds, reservesMinor: '0' }))).toContain('payout_within_available_funds');
  });

  it('an actor never approves its own action, whatever role it holds', async () => {
    const orgUnitId = await shop();
    const action = largeRefund(orgUnitId, { actor: founder, autonomous: false });
    const verdict = await fx.services.governor.evaluate(action);
    const approval = await fx.services.approvals.request(action, verdict, { expiresInMs: 60_000, requiredRole: 'founder' });
    for (const actor of [founder, { ...founder, kind: 'system' as const }]) {
      expect(await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'mine', actor }))).toMatchObject({ code: 'GOV_DENIED' });
    }
    // Rejecting one's own request is refused as well: a decision either way is someone else's.
    expect(await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'reject', reason: 'mine', actor: founder }))).toMatchObject({ code: 'GOV_DENIED' });
    expect((await fx.services.approvals.get(orgUnitId, approval.id)).status).toBe('pending');
  });

  it('an agent proposes but never approves, however it is labelled', async () => {
    const orgUnitId = await shop();
    const action = largeRefund(orgUnitId, { actor: operator, autonomous: false });
    const verdict = await fx.services.governor.evaluate(action);
    const approval = await fx.services.approvals.request(action, verdict, { expiresInMs: 60_000 });
    const disguises: Actor[] = [agent, { ...agent, role: 'founder' }, { ...agent, role: 'operator' }, { id: 'x', kind: 'user', role: 'agent' }];
    for (const actor of disguises) {
      expect(await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor }))).toMatchObject({ code: 'GOV_DENIED' });
    }
    expect((await fx.services.approvals.get(orgUnitId, approval.id)).status).toBe('pending');
  });

  it('founder only: policy changes, releasing the kill switch, and raising autonomy to A3/A4', async () => {
    const orgUnitId = await shop();
    for (const actor of [operator, viewer, agent]) {
      expect(await rejection(fx.services.policies.retire(orgUnitId, 'margin_floor', 1, actor))).toMatchObject({ code: 'GOV_DENIED' });
    }
    const raise = (actor: Actor, autonomyLevel: string): Action => ({
      orgUnitId,
      actor,
      tool: 'workflows.set_autonomy',
      input: { workflowId: 'wf_pricing_optimization', autonomyLevel },
      context: {},
      autonomous: false,
    });
    for (const level of ['a3_autonomous', 'a4_self_optimizing']) {
      expect(await refusedBy(raise(operator, level))).toEqual(['founder_only']);
      expect(await refusedBy(raise(founder, level))).toEqual([]);
    }
    expect(await refusedBy(raise(operator, 'a2_supervised'))).toEqual([]);
    expect((await fx.services.policies.get(orgUnitId, 'margin_floor', 1)).status).toBe('active');
  });

  it('a policy cannot lift an invariant: an explicit allow on governance tools is never consulted', async () => {
    const orgUnitId = await shop();
    const created = await fx.services.policies.createVersion(
      orgUnitId,
      'let_everyone',
      'policy let_everyone\n  on *\n  allow when true because "anything goes"\n',
      founder,
    );
    await fx.services.policies.activate(orgUnitId, 'let_everyone', created.version, founder);
    expect(await rejection(fx.services.policies.retire(orgUnitId, 'let_everyone', created.version, operator))).toMatchObject({ code: 'GOV_DENIED' });
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'pricing', reason: 'stop', actor: operator });
    expect(await fx.services.governor.evaluate(priceChange(orgUnitId))).toMatchObject({ outcome: 'deny' });
  });
});
