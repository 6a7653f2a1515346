import { describe, expect, it } from 'vitest';
import type { Action } from '../../../engine/governance/action.js';
import { evaluateAction } from '../../../engine/governance/governor.js';
import { killSwitchOff, type KillSwitchScope } from '../../../engine/governance/kill-switch.js';
import { builtinPolicies, compilePolicy, createPolicySet } from '../../../engine/governance/policy/index.js';

const builtins = createPolicySet(builtinPolicies.map((p) => compilePolicy(p.source, { version: 1 })));
const engaged = (...scopes: KillSwitchScope[]) => ({ killSwitch: { engaged: new Set(scopes) } });
const off = { killSwitch: killSwitchOff };

function action(overrides: Partial<Action> = {}): Action {
  return {
    orgUnitId: 'lsn_main',
    actor: { id: 'agent-pricing', kind: 'agent', role: 'agent' },
    tool: 'pricing.set_price',
    input: { productId: 'p1', priceMinor: 1999 },
    context: {},
    projected: { marginPercent: 0.3, cashRunwayDays: 90 },
    risk: { pMarginBelowFloor: 0.01 },
    autonomous: true,
    ...overrides,
  };
}

describe('governor', () => {
  it('allows what no invariant or policy refuses', () => {
    const verdict = evaluateAction({ action: action(), state: off, enforced: builtins });
    expect(verdict).toMatchObject({ outcome: 'allow', failClosed: false, invariants: [] });
    expect(verdict.policyVersions.map((p) => p.name)).toContain('margin_floor');
  });

  it('denies autonomous actions under a kill switch that covers their domain, and only those', () => {
    expect(evaluateAction({ action: action(), state: engaged('pricing'), enforced: builtins }).invariants).toEqual([
      { name: 'kill_switch', message: 'the pricing kill switch is engaged: autonomous actions are stopped' },
    ]);
    expect(evaluateAction({ action: action(), state: engaged('global'), enforced: builtins }).outcome).toBe('deny');
    expect(evaluateAction({ action: action(), state: engaged('payouts'), enforced: builtins }).outcome).toBe('allow');
    const byHand = action({ autonomous: false, actor: { id: 'op-1', kind: 'user', role: 'operator' } });
    expect(evaluateAction({ action: byHand, state: engaged('global'), enforced: builtins }).outcome).toBe('allow');
  });

  it('denies a payout without reconciliation, without a risk check, or above available funds', () => {
    const payout = (context: Record<string, unknown>, amountMinor = 10_000) =>
      evaluateAction({ action: action({ tool: 'payouts.post', input: { amountMinor }, context }), state: off, enforced: builtins });
    const funds = { collectedNetMinor: 50_000, reservesMinor: 10_000, openDisputesMinor: 5_000 };
    expect(payout({ ...funds, riskChecked: true }).invariants.map((i) => i.name)).toContain('payout_needs_reconciliation_and_risk_check');
    expect(payout({ ...funds, reconciled: true }).invariants.map((i) => i.name)).toContain('payout_needs_reconciliation_and_risk_check');
    expect(payout({ ...funds, reconciled: true, riskChecked: true }, 35_000).invariants).toEqual([]);
    expect(payout({ ...funds, reconciled: true, riskChecked: true }, 35_001).invariants).toEqual([
      { name: 'payout_within_available_funds', message: 'payout of 35001 exceeds collected net minus reserves and open disputes (35000)' },
    ]);
    expect(payout({ reconciled: true, riskChecked: true }).outcome).toBe('deny');
  });

  it('never lets an actor approve its own action, nor an agent approve at all', () => {
    const approve = (actor: Action['actor'], requestedBy: string) =>
      evaluateAction({ action: action({ tool: 'governance.approve', actor, autonomous: false, input: { requestedBy } }), state: off, enforced: builtins });
    expect(approve({ id: 'op-1', kind: 'user', role: 'operator' }, 'op-1').invariants.map((i) => i.name)).toEqual(['no_self_approval']);
    expect(approve({ id: 'agent-1', kind: 'agent', role: 'agent' }, 'op-1').invariants.map((i) => i.name)).toEqual(['agents_never_approve']);
    expect(approve({ id: 'op-2', kind: 'user', role: 'operator' }, 'op-1').outcome).toBe('allow');
  });

  it('keeps policy changes, kill-switch release and A3/A4 autonomy for founders', () => {
    const by = (role: 'founder' | 'operator', tool: string, input: Record<string, unknown> = {}) =>
      evaluateAction({ action: action({ tool, input, autonomous: false, actor: { id: `${role}-1`, kind: 'user', role } }), state: off, enforced: builtins }).outcome;
    expect(by('operator', 'governance.policy.activate')).toBe('deny');
    expect(by('founder', 'governance.policy.activate')).toBe('allow');
    expect(by('operator', 'governance.kill_switch.release')).toBe('deny');
    expect(by('operator', 'workflows.set_autonomy', { autonomyLevel: 'a3_autonomous' })).toBe('deny');
    expect(by('operator', 'workflows.set_autonomy', { autonomyLevel: 'a2_supervised' })).toBe('allow');
    expect(by('founder', 'workflows.set_autonomy', { autonomyLevel: 'a4_self_optimizing' })).toBe('allow');
  });

  it('lets a deny win over require_approval, and marks a deny from an unevaluable rule as fail-closed', () => {
    const floor = evaluateAction({ action: action({ projected: { marginPercent: 0.1, cashRunwayDays: 90 } }), state: off, enforced: builtins });
    expect(floor).toMatchObject({ outcome: 'deny', failClosed: false });
    const unknown = evaluateAction({ action: action({ projected: {} }), state: off, enforced: builtins });
    expect(unknown.outcome).toBe('deny');
    expect(unknown.failClosed).toBe(true);
    expect(unknown.failures[0]).toMatchObject({ policy: 'margin_floor' });
  });

  it('fails closed when a tool that requires a policy has none loaded', () => {
    const verdict = evaluateAction({ action: action({ tool: 'ads.set_budget', projected: undefined }), state: off, enforced: createPolicySet([]), requirePolicyFor: (tool) => tool.startsWith('ads.') });
    expect(verdict).toMatchObject({ outcome: 'deny', failClosed: true });
    expect(verdict.failures[0]?.code).toBe('POLICY_MISSING');
  });

  it('evaluates a shadow set without enforcing it', () => {
    const strict = createPolicySet([
      compilePolicy('policy strict_pricing\n  on pricing.*\n  deny when projected.marginPercent < 0.5\n  because "shadow: margin under 50%"\n', { version: 2 }),
    ]);
    const verdict = evaluateAction({ action: action(), state: off, enforced: builtins, shadow: strict });
    expect(verdict.outcome).toBe('allow');
    expect(verdict.shadow?.outcome).toBe('deny');
  });
});
