import { describe, expect, it } from 'vitest';
import type { Action } from '../../../../engine/governance/action.js';
import type { CompiledPolicy } from '../../../../engine/governance/policy/index.js';
import { compilePolicy, createPolicySet, evaluatePolicies } from '../../../../engine/governance/policy/index.js';
import { action, withCondition } from './helpers.js';

const compile = (source: string, version = 1) => compilePolicy(source, { version });
const probe = (condition: string) => [compile(withCondition(condition))];
const price = (overrides: Partial<Action> = {}) => action({ tool: 'pricing.set_price', ...overrides });

describe('evaluatePolicies: fail closed', () => {
  it('denies when a field is missing, and says so apart from real matches', () => {
    const result = evaluatePolicies(probe('projected.marginPercent < 0.15'), price());
    expect(result).toEqual({
      outcome: 'deny',
      matched: [],
      failClosed: [{ policy: 'probe', version: 1, rule: 1, code: 'POLICY_FIELD_MISSING', reason: 'missing field projected.marginPercent' }],
    });
  });

  it('treats null and undefined values as missing', () => {
    const policies = probe('context.limit > 1');
    expect(evaluatePolicies(policies, price({ context: { limit: null } })).failClosed[0]?.code).toBe('POLICY_FIELD_MISSING');
    expect(evaluatePolicies(policies, price({ context: { limit: undefined } })).failClosed[0]?.code).toBe('POLICY_FIELD_MISSING');
  });

  it('reads own properties only: inherited ones are missing', () => {
    const inherited = Object.create({ limit: 5 }) as Record<string, unknown>;
    const result = evaluatePolicies(probe('context.limit > 1'), price({ context: inherited }));
    expect(result.failClosed[0]).toMatchObject({ code: 'POLICY_FIELD_MISSING' });
    expect(evaluatePolicies(probe('context.toString == 1'), price()).failClosed[0]).toMatchObject({ code: 'POLICY_FIELD_MISSING' });
  });

  it('denies on type errors: string vs number, arithmetic on a boolean, object as a value', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['context.amount >= 500', { amount: '600' }, /context.amount is a string, but `>=` needs a number/],
      ['context.amount + 1 > 2', { amount: true }, /context.amount is a boolean, but `\+` needs a number/],
      ['context.amount > 2', { amount: { value: 3 } }, /context.amount is an object/],
      ['context.flag', { flag: 1 }, /context.flag is a number, but a condition needs true or false/],
      ['context.a == context.b', { a: 1, b: '1' }, /== compares values of one type, but context.a is a number and context.b is a string/],
      ['context.ok ? context.a : 2', { ok: true, a: 'x' }, /is a string/],
    ];
    for (const [condition, context, reason] of cases) {
      const result = evaluatePolicies(probe(condition), price({ context }));
      expect(result.outcome, condition).toBe('deny');
      expect(result.matched, condition).toEqual([]);
      expect(result.failClosed[0]?.code, condition).toBe('POLICY_TYPE_ERROR');
      expect(result.failClosed[0]?.reason, condition).toMatch(reason);
    }
  });

  it('denies when a comparison meets NaN instead of quietly answering false', () => {
    const result = evaluatePolicies(probe('context.a / context.b < 0.15'), price({ context: { a: 0, b: 0 } }));
    expect(result.failClosed[0]).toMatchObject({ code: 'POLICY_TYPE_ERROR', reason: expect.stringMatching(/NaN/) as unknown });
  });

  it('marks other evaluation errors POLICY_EVAL_ERROR', () => {
    const result = evaluatePolicies(probe('round(context.x, context.digits) > 1'), price({ context: { x: 1.5, digits: 40 } }));
    expect(result.outcome).toBe('deny');
    expect(result.failClosed[0]?.code).toBe('POLICY_EVAL_ERROR');
  });

  it('has() tests presence without failing closed, and and/or short-circuit', () => {
    const policies = probe('has(context.override) and context.override.until > 10 or not has(context.override)');
    expect(evaluatePolicies(policies, price()).outcome).toBe('deny');
    expect(evaluatePolicies(policies, price({ context: { override: { until: 5 } } })).outcome).toBe('allow');
    expect(evaluatePolicies(policies, price({ context: { override: { until: 50 } } })).outcome).toBe('deny');
    expect(evaluatePolicies(policies, price({ context: { override: { until: 50 } } })).failClosed).toEqual([]);
  });

  it('reads the roots it documents', () => {
    const policies = probe(
      'action.tool == "pricing.set_price" and action.orgUnitId == "lsn_main" and action.actor.role == "agent" and action.actor.kind == "agent" and action.autonomous and action.input.priceMinor == 1999 and context.reconciled and projected.marginPercent > 0.2 and risk.pStockout < 0.1',
    );
    const full = price({ input: { priceMinor: 1999 }, context: { reconciled: true }, projected: { marginPercent: 0.25 }, risk: { pStockout: 0.01 } });
    expect(evaluatePolicies(policies, full)).toMatchObject({ outcome: 'deny', failClosed: [] });
  });

  it('compares numbers with mathjs tolerance, so float noise does not flip a verdict', () => {
    // (2.00 - 1.70) / 2.00 is 0.15000000000000002 in floating point, not below the floor.
    const policies = probe('(action.input.priceMinor - action.input.costMinor) / action.input.priceMinor < 0.15');
    expect(evaluatePolicies(policies, price({ input: { priceMinor: 2, costMinor: 1.7 } })).outcome).toBe('allow');
    expect(evaluatePolicies(policies, price({ input: { priceMinor: 200, costMinor: 171 } })).outcome).toBe('deny');
  });
});

describe('evaluatePolicies: precedence and matching', () => {
  const set = [
    compile(`policy gates
  on pricing.*, refunds.issue
  allow when action.actor.role == "founder"
  because "the founder is allowed"
  require_approval when action.input.amountMinor >= 100
  because "large"
  deny when action.input.amountMinor >= 1000
  because "too large"
`),
    compile(`policy everything
  on *
  require_approval when context.sensitive
  because "sensitive"
`),
  ];

  it('applies deny > require_approval > allow and lists every match in order', () => {
    const result = evaluatePolicies(set, action({ tool: 'pricing.set_price', actor: { id: 'f', kind: 'user', role: 'founder' }, input: { amountMinor: 5000 }, context: { sensitive: true } }));
    expect(result.outcome).toBe('deny');
    expect(result.matched.map((match) => `${match.policy}#${match.rule}:${match.effect}`)).toEqual([
      'gates#1:allow',
      'gates#2:require_approval',
      'gates#3:deny',
      'everything#1:require_approval',
    ]);
    expect(evaluatePolicies(set, action({ tool: 'refunds.issue', input: { amountMinor: 150 }, context: { sensitive: false } })).outcome).toBe('require_approval');
    expect(evaluatePolicies(set, action({ tool: 'refunds.issue', actor: { id: 'f', kind: 'user', role: 'founder' }, input: { amountMinor: 1 }, context: { sensitive: false } }))).toMatchObject({
      outcome: 'allow',
      matched: [{ policy: 'gates', rule: 1, effect: 'allow', message: 'the founder is allowed', version: 1 }],
    });
  });

  it('a fail-closed rule denies even when the other rules allow', () => {
    const result = evaluatePolicies(set, action({ tool: 'refunds.issue', input: { amountMinor: 1 } }));
    expect(result.outcome).toBe('deny');
    expect(result.matched).toEqual([]);
    expect(result.failClosed).toEqual([{ policy: 'everything', version: 1, rule: 1, code: 'POLICY_FIELD_MISSING', reason: 'missing field context.sensitive' }]);
  });

  it('evaluates only the policies whose patterns match the tool', () => {
    // `gates` would fail closed on this action (no amountMinor); it is not for payouts.
    const result = evaluatePolicies(set, action({ tool: 'payouts.post', context: { sensitive: false } }));
    expect(result).toEqual({ outcome: 'allow', matched: [], failClosed: [] });
    expect(evaluatePolicies(set, action({ tool: 'pricingx.set_price', context: { sensitive: false } })).outcome).toBe('allow');
    expect(evaluatePolicies(set, action({ tool: 'refunds.issue_batch', context: { sensitive: false } })).outcome).toBe('allow');
  });

  it('answers a no-match with one shared frozen result', () => {
    const quiet = action({ tool: 'payouts.post', context: { sensitive: false } });
    const first = evaluatePolicies(set, quiet);
    expect(evaluatePolicies(set, quiet)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('carries the version into matches and fail-closed entries', () => {
    const v7 = [compile(withCondition('context.x > 1'), 7)];
    expect(evaluatePolicies(v7, price({ context: { x: 2 } })).matched[0]?.version).toBe(7);
    expect(evaluatePolicies(v7, price()).failClosed[0]?.version).toBe(7);
  });

  it('with no policies, allows (the governor adds invariants on top)', () => {
    expect(evaluatePolicies([], price()).outcome).toBe('allow');
  });

  it('refuses two versions of one policy in one set', () => {
    const twice: CompiledPolicy[] = [compile(withCondition('context.x > 1'), 1), compile(withCondition('context.x > 2'), 2)];
    expect(() => createPolicySet(twice)).toThrow(/policy probe appears twice \(versions 1 and 2\)/);
  });

  it('refuses a version that is not a positive integer', () => {
    expect(() => compilePolicy(withCondition('context.x > 1'), { version: 0 })).toThrow(RangeError);
    expect(() => compilePolicy(withCondition('context.x > 1'), { version: 1.5 })).toThrow(RangeError);
  });

  it('freezes what it compiles', () => {
    const [policy] = probe('context.x > 1');
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy?.rules)).toBe(true);
    expect(Object.isFrozen(policy?.rules[0]?.match)).toBe(true);
    expect(policy?.rules[0]?.condition).toBe('context.x > 1');
  });
});
