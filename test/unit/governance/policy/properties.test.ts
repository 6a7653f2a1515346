import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, VerdictOutcome } from '../../../../engine/governance/action.js';
import { compileCondition } from '../../../../engine/governance/policy/compile-condition.js';
import { compilePolicy, evaluatePolicies, parsePolicy, PolicyTypeError } from '../../../../engine/governance/policy/index.js';
import { action, withCondition } from './helpers.js';

// Fields the generated expressions read; every generated action carries all of them.
const numberFields = ['action.input.amountMinor', 'action.input.priceMinor', 'context.count', 'projected.marginPercent', 'projected.cashRunwayDays', 'risk.pStockout'];
const booleanFields = ['action.autonomous', 'context.reconciled', 'context.riskChecked'];

const literal = fc.oneof(
  fc.integer({ min: 0, max: 100_000 }).map(String),
  fc.constantFrom('0', '0.15', '0.5', '1', '2', '30', '50000', '1e3', '2.5e-3', '.25', 'Infinity'),
  fc.double({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true }).map(String),
);

const maybeParens = (text: string) => fc.constantFrom(text, `(${text})`);

/** Numeric expressions in the allowed grammar, printed with and without brackets. */
const numeric: fc.Memo<string> = fc.memo((depth) => {
  const leaf = fc.oneof(literal, fc.constantFrom(...numberFields));
  if (depth <= 1) return leaf;
  const sub = numeric(depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 3 },
    fc.tuple(sub, fc.constantFrom('+', '-', '*', '/', '%', 'mod'), sub).chain(([a, op, b]) => maybeParens(`${a} ${op} ${b}`)),
    fc.tuple(sub, fc.constantFrom('0', '1', '2', '3')).map(([a, n]) => `(${a}) ^ ${n}`),
    sub.map((a) => `-(${a})`),
    sub.map((a) => `+${a.startsWith('+') || a.startsWith('-') ? `(${a})` : a}`),
    fc.tuple(fc.constantFrom('abs', 'sqrt', 'exp', 'log', 'log10', 'log2', 'sign', 'round', 'floor', 'ceil'), sub).map(([fn, a]) => `${fn}(${a})`),
    fc.tuple(fc.constantFrom('round', 'floor', 'ceil'), sub, fc.constantFrom('0', '1', '2', '3')).map(([fn, a, n]) => `${fn}(${a}, ${n})`),
    fc.tuple(sub, literal).map(([a, base]) => `log(${a}, ${base})`),
    fc.tuple(fc.constantFrom('min', 'max'), fc.array(sub, { minLength: 1, maxLength: 3 })).map(([fn, args]) => `${fn}(${args.join(', ')})`),
    fc.tuple(boolean(depth - 1), sub, sub).map(([test, a, b]) => `(${test} ? ${a} : ${b})`),
  );
});

const comparison = fc.constantFrom('<', '>', '<=', '>=', '==', '!=');

/** Boolean expressions: comparisons (also chained), logic, ternaries, literals, fields. */
const boolean: fc.Memo<string> = fc.memo((depth) => {
  const leaf = fc.oneof(fc.constantFrom('true', 'false', ...booleanFields), fc.tuple(numeric(1), comparison, numeric(1)).map(([a, op, b]) => `${a} ${op} ${b}`));
  if (depth <= 1) return leaf;
  const sub = boolean(depth - 1);
  const num = numeric(depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 2 },
    fc.tuple(num, comparison, num).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(num, comparison, num, comparison, num).map(([a, op1, b, op2, c]) => `${a} ${op1} ${b} ${op2} ${c}`),
    fc.tuple(sub, fc.constantFrom('and', 'or', 'xor'), sub).chain(([a, op, b]) => maybeParens(`(${a}) ${op} (${b})`)),
    sub.map((a) => `not (${a})`),
    fc.tuple(sub, fc.constantFrom('==', '!='), sub).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc.tuple(sub, sub, sub).map(([t, a, b]) => `(${t} ? ${a} : ${b})`),
  );
});

const someNumber = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 0.15, 0.1 + 0.2, 30, 50_000, Infinity, -Infinity),
);

const someAction = fc
  .record({
    amountMinor: someNumber,
    priceMinor: someNumber,
    count: someNumber,
    marginPercent: someNumber,
    cashRunwayDays: someNumber,
    pStockout: someNumber,
    autonomous: fc.boolean(),
    reconciled: fc.boolean(),
    riskChecked: fc.boolean(),
  })
  .map(
    (v): Action =>
      action({
        tool: 'pricing.set_price',
        autonomous: v.autonomous,
        input: { amountMinor: v.amountMinor, priceMinor: v.priceMinor },
        context: { count: v.count, reconciled: v.reconciled, riskChecked: v.riskChecked },
        projected: { marginPercent: v.marginPercent, cashRunwayDays: v.cashRunwayDays },
        risk: { pStockout: v.pStockout },
      }),
  );

describe('compiled conditions mean what mathjs means', () => {
  it('agree with mathjs compile().evaluate() on the same AST, for random expressions and actions', () => {
    let compared = 0;
    fc.assert(
      fc.property(boolean(4), someAction, (text, act) => {
        const condition = parsePolicy(withCondition(text)).rules[0]!.condition;
        const compiled = compileCondition(condition.expr);
        const scope = { action: act, context: act.context, projected: act.projected, risk: act.risk };
        let ours: boolean;
        try {
          ours = compiled(act);
        } catch (error) {
          // The one deliberate difference: NaN in a comparison fails closed where mathjs says false.
          expect(error).toBeInstanceOf(PolicyTypeError);
          expect((error as Error).message).toMatch(/NaN/);
          return;
        }
        const theirs: unknown = condition.math.compile().evaluate(scope);
        compared += 1;
        expect(ours, text).toBe(theirs);
      }),
      { numRuns: 3000, seed: 20240611 },
    );
    // The property must mostly compare, not mostly hit NaN.
    expect(compared).toBeGreaterThan(2000);
  });
});

describe('evaluatePolicies precedence, for random policy sets', () => {
  type RuleSpec = { effect: VerdictOutcome; field: string };
  type PolicySpec = { pattern: string; rules: RuleSpec[] };
  const fields = ['a', 'b', 'c', 'd', 'e'];
  const policySpecs = fc.array(
    fc.record({
      pattern: fc.constantFrom('*', 'pricing.*', 'pricing.set_price', 'payouts.*', 'refunds.issue'),
      rules: fc.array(fc.record({ effect: fc.constantFrom<VerdictOutcome>('allow', 'require_approval', 'deny'), field: fc.constantFrom(...fields) }), { minLength: 1, maxLength: 4 }),
    }),
    { maxLength: 6 },
  );
  // Each field is true, false, or absent (which fails its rules closed).
  const contexts = fc.dictionary(fc.constantFrom(...fields), fc.boolean(), { maxKeys: fields.length });
  const tools = fc.constantFrom('pricing.set_price', 'pricing.preview', 'payouts.post', 'refunds.issue');

  const source = (spec: PolicySpec, i: number) =>
    [`policy p${i}`, `  on ${spec.pattern}`, ...spec.rules.map((rule) => `  ${rule.effect} when context.${rule.field} because "${rule.effect} on ${rule.field}"`)].join('\n');
  const applies = (pattern: string, tool: string) => pattern === '*' || pattern === tool || (pattern.endsWith('.*') && tool.startsWith(pattern.slice(0, -1)));

  it('deny > require_approval > allow; fail-closed denies; matched and failClosed are exactly the rules that held and threw', () => {
    fc.assert(
      fc.property(policySpecs, contexts, tools, (specs, context, tool) => {
        const policies = specs.map((spec, i) => compilePolicy(source(spec, i), { version: 1 }));
        const result = evaluatePolicies(policies, action({ tool, context }));
        const expectedMatched: string[] = [];
        const expectedFailed: string[] = [];
        specs.forEach((spec, i) => {
          if (!applies(spec.pattern, tool)) return;
          spec.rules.forEach((rule, r) => {
            const value = context[rule.field];
            if (value === undefined) expectedFailed.push(`p${i}#${r + 1}`);
            else if (value) expectedMatched.push(`p${i}#${r + 1}:${rule.effect}`);
          });
        });
        expect(result.matched.map((m) => `${m.policy}#${m.rule}:${m.effect}`)).toEqual(expectedMatched);
        expect(result.failClosed.map((f) => `${f.policy}#${f.rule}`)).toEqual(expectedFailed);
        const effects = result.matched.map((m) => m.effect);
        const expected = expectedFailed.length > 0 || effects.includes('deny') ? 'deny' : effects.includes('require_approval') ? 'require_approval' : 'allow';
        expect(result.outcome).toBe(expected);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('adding a policy never makes the outcome less strict', () => {
    const strictness = { allow: 0, require_approval: 1, deny: 2 } as const;
    fc.assert(
      fc.property(policySpecs, policySpecs, contexts, tools, (base, extra, context, tool) => {
        const all = [...base, ...extra].map((spec, i) => compilePolicy(source(spec, i), { version: 1 }));
        const before = evaluatePolicies(all.slice(0, base.length), action({ tool, context }));
        const after = evaluatePolicies(all, action({ tool, context }));
        expect(strictness[after.outcome]).toBeGreaterThanOrEqual(strictness[before.outcome]);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('compiles once: evaluating never re-reads the source', () => {
    const policy = compilePolicy(withCondition('context.a'), { version: 1 });
    const detached = { ...policy, source: 'not a policy' };
    expect(evaluatePolicies([detached], action({ tool: 'pricing.set_price', context: { a: true } })).outcome).toBe('deny');
  });
});
