import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinPolicies, compilePolicy, evaluatePolicies, loadPolicyTestSuite, runPolicyTests } from '../../../../engine/governance/policy/index.js';
import { action, fixtures, readSuiteFiles } from './helpers.js';

const compiled = builtinPolicies.map((policy) => compilePolicy(policy.source, { version: 1 }));
const payout = (context: Record<string, unknown>, cashRunwayDays?: number) =>
  action({ tool: 'payouts.post', input: { creatorId: 'c_1', amountMinor: 10_000 }, context, ...(cashRunwayDays === undefined ? {} : { projected: { cashRunwayDays } }) });

describe('built-in policies', () => {
  it('are the four the design names and the margin floor’s chance constraint, each compiling under its own name', () => {
    expect(builtinPolicies.map((policy) => policy.name)).toEqual(['payout_requires_reconciliation', 'margin_floor', 'margin_floor_chance', 'cash_runway', 'large_refund_approval']);
    expect(compiled.map((policy) => policy.name)).toEqual(builtinPolicies.map((policy) => policy.name));
  });

  it('payout_requires_reconciliation: no payout without reconciliation and a risk check', () => {
    expect(evaluatePolicies(compiled, payout({ reconciled: true, riskChecked: true }, 45)).outcome).toBe('allow');
    const unreconciled = evaluatePolicies(compiled, payout({ reconciled: false, riskChecked: true }, 45));
    expect(unreconciled).toMatchObject({ outcome: 'deny', failClosed: [], matched: [{ policy: 'payout_requires_reconciliation', rule: 1 }] });
    expect(evaluatePolicies(compiled, payout({ reconciled: true, riskChecked: false }, 45)).matched).toMatchObject([{ policy: 'payout_requires_reconciliation', rule: 2 }]);
    expect(evaluatePolicies(compiled, payout({}, 45)).failClosed.map((entry) => entry.reason)).toEqual(['missing field context.reconciled', 'missing field context.riskChecked']);
  });

  it('margin_floor: below 15% is denied, 15% is not', () => {
    const setPrice = (marginPercent: number) => action({ tool: 'pricing.set_price', input: { priceMinor: 1000 }, projected: { marginPercent }, risk: { pMarginBelowFloor: 0 } });
    expect(evaluatePolicies(compiled, setPrice(0.1499)).outcome).toBe('deny');
    expect(evaluatePolicies(compiled, setPrice(0.15)).outcome).toBe('allow');
    expect(evaluatePolicies(compiled, setPrice(-0.2)).matched[0]?.message).toBe('margin would fall below the 15% floor');
  });

  it('margin_floor_chance: more than a 5% chance of margin below the floor is denied, whatever the mean', () => {
    const setPrice = (pMarginBelowFloor: number) => action({ tool: 'pricing.set_price', input: { priceMinor: 1000 }, projected: { marginPercent: 0.4 }, risk: { pMarginBelowFloor } });
    expect(evaluatePolicies(compiled, setPrice(0.05)).outcome).toBe('allow');
    expect(evaluatePolicies(compiled, setPrice(0.0501)).matched).toMatchObject([{ policy: 'margin_floor_chance', message: 'the twin gives margin more than a 5% chance of falling below the floor' }]);
  });

  it('cash_runway: payouts and ad budgets need 30 days of runway, and a forecast', () => {
    expect(evaluatePolicies(compiled, payout({ reconciled: true, riskChecked: true }, 29.9)).matched).toMatchObject([{ policy: 'cash_runway' }]);
    expect(evaluatePolicies(compiled, payout({ reconciled: true, riskChecked: true }, Infinity)).outcome).toBe('allow');
    expect(evaluatePolicies(compiled, action({ tool: 'ads.set_budget', input: { dailyBudgetMinor: 1 }, projected: { cashRunwayDays: 10 } })).outcome).toBe('deny');
    expect(evaluatePolicies(compiled, action({ tool: 'ads.set_budget', input: { dailyBudgetMinor: 1 } })).failClosed).toMatchObject([{ policy: 'cash_runway', code: 'POLICY_FIELD_MISSING' }]);
  });

  it('large_refund_approval: $500.00 and up needs approval', () => {
    const refund = (amountMinor: number) => action({ tool: 'refunds.issue', input: { orderId: 'o_1', amountMinor, currency: 'USD' } });
    expect(evaluatePolicies(compiled, refund(49_999)).outcome).toBe('allow');
    expect(evaluatePolicies(compiled, refund(50_000)).outcome).toBe('require_approval');
    expect(evaluatePolicies(compiled, refund(1_000_000)).matched).toMatchObject([{ policy: 'large_refund_approval', effect: 'require_approval' }]);
  });

  it('pass their documented cases in test/fixtures/policies/builtin', () => {
    const suite = loadPolicyTestSuite(readSuiteFiles(path.join(fixtures, 'builtin')));
    expect(suite.problems).toEqual([]);
    expect(suite.cases.length).toBeGreaterThanOrEqual(15);
    const report = runPolicyTests(builtinPolicies, suite.cases);
    expect(report.results.filter((result) => result.status === 'FAIL')).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
