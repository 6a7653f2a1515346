import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../../engine/governance/policy/index.js';
import { parseError, withCondition } from './helpers.js';

// Every condition below sits at line 3, column 13 of its policy (see withCondition), so a
// column here is 12 plus the offset of the offending token within the condition, plus one.
const at = (condition: string, needle: string) => 12 + condition.indexOf(needle) + 1;

const refused: [string, string, string, RegExp][] = [
  // [label, condition, token the error must point at, message]
  ['import()', 'import("fs") == 1', 'import', /mathjs function import\(\) is not allowed/],
  ['createUnit()', 'createUnit("knot", "0.514 m/s") == 1', 'createUnit', /mathjs function createUnit\(\) is not allowed/],
  ['evaluate()', 'evaluate("1 + 1") > 1', 'evaluate', /mathjs function evaluate\(\) is not allowed/],
  ['parse()', 'context.x > 1 and parse("x") == 1', 'parse', /mathjs function parse\(\) is not allowed/],
  ['compile()', 'compile("x") == 1', 'compile', /mathjs function compile\(\) is not allowed/],
  ['a function definition', 'f(x) = x', 'f', /defining functions is not allowed/],
  ['a function definition after a valid term', 'context.ok and (g(y) = 2)', 'g', /defining functions is not allowed/],
  ['assignment', 'a = 1', '=', /assignment \(=\) is not allowed/],
  ['assignment to a field', 'context.limit = 1', '=', /assignment \(=\) is not allowed/],
  ['constructor by dot', 'context.constructor == 1', 'constructor', /`constructor` is not allowed/],
  ['__proto__ by dot', 'action.input.__proto__.x > 1', '__proto__', /`__proto__` is not allowed/],
  ['prototype by dot', 'context.x.prototype == 1', 'prototype', /`prototype` is not allowed/],
  ['constructor by index', 'context["constructor"] == 1', '"constructor"', /`constructor` is not allowed/],
  ['__proto__ by index', 'action["__proto__"]["polluted"] == 1', '"__proto__"', /`__proto__` is not allowed/],
  ['constructor as a bare name', 'constructor == 1', 'constructor', /`constructor` is not allowed/],
  ['__proto__ as a string value', 'action.tool == "__proto__"', '"__proto__"', /"__proto__" is not allowed/],
  ['a computed index', 'context[context.key] > 1', 'context.key', /must be a constant string/],
  ['a numeric index', 'context.items[1] > 1', '1', /lists cannot be indexed/],
  ['two keys in one index', 'context["a", "b"] > 1', '[', /one key per/],
  ['a method call', 'context.name.toString() == "x"', 'context', /only the built-in functions can be called/],
  ['a call outside the allowlist', 'random() > 0.5', 'random', /mathjs function random\(\) is not allowed/],
  ['a made-up function', 'frobnicate(context.x) > 1', 'frobnicate', /unknown function frobnicate\(\)/],
  ['a function with the wrong arity', 'abs(context.x, 2) > 1', 'abs', /abs\(\) takes 1 argument, got 2/],
  ['min() with no arguments', 'min() > 1', 'min', /min\(\) takes at least 1 argument/],
  ['has() on a value', 'has(1 + 1)', '1', /has\(\) takes a field path/],
  ['an unknown root', 'process.env.SECRET == "x"', 'process', /unknown name process: a field starts with action\., context\., projected\., risk\./],
  ['a mathjs constant', 'pi > 3', 'pi', /unknown name pi/],
  ['a bare root', 'context == 1', 'context', /context on its own is an object/],
  ['a function used as a value', 'abs > 1', 'abs', /abs is a function/],
  ['property access on a call result', 'max(1, 2).x > 1', 'max', /properties can only be read from action, context, projected, risk/],
  ['implicit multiplication by a space', '2 context.x > 1', 'context', /implicit multiplication is not allowed/],
  ['implicit multiplication of two names', 'context.x context.y > 1', 'context.y', /implicit multiplication is not allowed/],
  ['implicit multiplication by brackets', '(context.x)(context.y) > 1', '(context.y', /implicit multiplication is not allowed/],
  ['a percent literal', 'context.x > 5%', '%', /percent literals/],
  ['a percent inside a sum', 'context.x + 5% > 1', '%', /percent literals/],
  ['unit conversion', 'context.x to cm', 'to', /unit conversion/],
  ['nullish coalescing', '(context.x ?? 1) > 0', '??', /`\?\?` is not allowed/],
  ['optional chaining', 'context?.x > 0', '?.', /optional chaining/],
  ['element-wise operators', 'context.x .* 2 > 1', '.*', /element-wise operators/],
  ['factorial', 'context.x! > 1', '!', /`!` is not an operator here/],
  ['bitwise and', 'context.x & 1', '&', /bitwise operators/],
  ['a list literal', '[1, 2] == 1', '[', /lists \(\[\.\.\.\]\) are not allowed/],
  ['an object literal', '{a: 1} == 1', '{', /object literals/],
  ['a range', 'context.x > (1:3)', '1', /ranges \(a:b\)/],
  ['a second statement', 'context.x > 1; context.y > 1', ';', /one expression/],
  ['null', 'context.x == null', 'null', /null is not a value/],
  ['NaN', 'context.x == NaN', 'NaN', /NaN is not a value/],
  ['string arithmetic', 'context.x > "a" + 1', '"a"', /`\+` needs a number, but this is a string/],
  ['comparing a string with <', 'context.name < "m"', '"m"', /`<` needs a number, but this is a string/],
  ['== across types', '1 == "1"', '==', /== compares values of one type, but this compares a number with a string/],
  ['not on a number', 'not 1', '1', /not needs true or false, but this is a number/],
  ['and on a number', 'context.ok and 2', '2', /and needs true or false/],
  ['a number as the condition', 'context.x + 1', '+', /a condition must be true or false, but this is a number/],
  ['a string as the condition', '"yes"', '"yes"', /a condition must be true or false, but this is a string/],
  ['?: with branches of two types', 'context.ok ? 1 : "a"', '?', /both branches of \?: must have the same type/],
];

describe('the condition sandbox refuses at parse time, naming line and column', () => {
  for (const [label, condition, token, message] of refused) {
    it(label, () => {
      const error = parseError(withCondition(condition));
      expect(error.reason).toMatch(message);
      expect({ line: error.line, column: error.column }).toEqual({ line: 3, column: at(condition, token) });
    });
  }

  it('points into the right line of a multi-line condition', () => {
    const error = parseError('policy a\n  on a.b\n  deny when context.x > 1\n    and context.y < 2\n    or evaluate("1") == 1\n  because "x"\n');
    expect({ line: error.line, column: error.column, reason: error.reason }).toMatchObject({ line: 5, column: 8, reason: expect.stringMatching(/evaluate/) as unknown });
  });

  it('bounds nesting and size', () => {
    expect(parseError(withCondition(`context.x > 1${' or context.x > 1'.repeat(300)}`)).reason).toMatch(/too deep \(more than 256 nested operations\)/);
    expect(() => parsePolicy(withCondition(`context.x > 1${' or context.x > 1'.repeat(200)}`))).not.toThrow();
    expect(parseError(withCondition(`${'('.repeat(20_000)}context.x > 1${')'.repeat(20_000)}`)).reason).toMatch(/nested too deeply/);
    expect(parseError(withCondition(`context.x > 1 ${'or context.x > 1 '.repeat(5000)}`)).reason).toMatch(/at most 65536 characters/);
  });

  it('allows what it documents', () => {
    const conditions = [
      'action.input.amountMinor >= 50000',
      'not (context.reconciled and context.riskChecked)',
      'action.actor.role == "agent" xor action.autonomous',
      'risk.pMarginBelowFloor > 0.05 or projected.marginPercent < 0.15',
      '-action.input.deltaMinor % 7 ^ 2 / 3 * 4 - 1 + +2 > 0',
      'abs(round(context.x, 2)) + ceil(context.y) + floor(context.z) + sqrt(exp(log(log10(log2(8))))) + sign(context.w) > min(1, 2, context.v) - max(context.u)',
      'context.x mod 3 == 1',
      '(context.ok ? context.a : context.b) > 1',
      'has(context.override) and context.override == true',
      'context["odd key"] != "x" and context.flag == false',
      'projected.cashRunwayDays < Infinity',
      '(1 < 2 < 3) == true',
    ];
    for (const condition of conditions) expect(() => parsePolicy(withCondition(condition)), condition).not.toThrow();
  });
});
