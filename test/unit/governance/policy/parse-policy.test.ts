import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyParseError } from '../../../../engine/governance/policy/index.js';
import { parseError, withCondition } from './helpers.js';

describe('parsePolicy: grammar', () => {
  it('reads the design sketch', () => {
    const ast = parsePolicy(`policy margin_floor
  on pricing.set_price
  deny when projected.marginPercent < 0.15
  because "margin would fall below the 15% floor"
`);
    expect(ast.name).toBe('margin_floor');
    expect(ast.patterns).toEqual([{ text: 'pricing.set_price', domain: 'pricing', verb: 'set_price' }]);
    expect(ast.rules).toHaveLength(1);
    expect(ast.rules[0]).toMatchObject({ index: 1, effect: 'deny', message: 'margin would fall below the 15% floor', position: { line: 3, column: 3 } });
    expect(ast.rules[0]?.condition.position).toEqual({ line: 3, column: 13 });
    expect(ast.rules[0]?.condition.expr).toMatchObject({ kind: 'comparison', ops: ['<'], type: 'boolean' });
  });

  it('takes several patterns, several rules, comments and blank lines', () => {
    const ast = parsePolicy(`# leading comment

policy money_out   # trailing comment
  on payouts.*, ads.set_budget,refunds.issue, *

  deny when context.frozen   # why: a frozen account
  because "frozen"
  require_approval when action.input.amountMinor >= 50000 because "large"
  allow when action.actor.role == "founder"
    because "the founder asked"
`);
    expect(ast.patterns.map((pattern) => pattern.text)).toEqual(['payouts.*', 'ads.set_budget', 'refunds.issue', '*']);
    expect(ast.patterns[0]).toEqual({ text: 'payouts.*', domain: 'payouts', verb: null });
    expect(ast.patterns[3]).toEqual({ text: '*', domain: null, verb: null });
    expect(ast.rules.map((rule) => [rule.index, rule.effect, rule.message])).toEqual([
      [1, 'deny', 'frozen'],
      [2, 'require_approval', 'large'],
      [3, 'allow', 'the founder asked'],
    ]);
  });

  it('continues a condition on deeper-indented lines and inside brackets, blanking comments', () => {
    const ast = parsePolicy(`policy multi
  on pricing.set_price
  deny when projected.marginPercent < 0.15   # the floor
      and action.autonomous
  because "indented continuation"
  deny when (projected.marginPercent < 0.1 or
  risk.pMarginBelowFloor > 0.5)
  because "bracketed continuation"
`);
    expect(ast.rules[0]?.condition.text).toBe(`projected.marginPercent < 0.15${' '.repeat(14)}${' '.repeat(7)}and action.autonomous`);
    expect(ast.rules[0]?.condition.expr).toMatchObject({ kind: 'logical', op: 'and' });
    expect(ast.rules[1]?.condition.expr).toMatchObject({ kind: 'logical', op: 'or' });
  });

  it('decodes escapes in messages and strings', () => {
    const ast = parsePolicy(`policy escapes
  on content.publish
  deny when action.input.title == "say \\"hi\\"\\u0021"
  because "a \\"quoted\\" word, a backslash \\\\ and a\\ttab"
`);
    expect(ast.rules[0]?.message).toBe('a "quoted" word, a backslash \\ and a\ttab');
    expect(ast.rules[0]?.condition.expr).toMatchObject({ operands: [{ kind: 'field' }, { kind: 'literal', value: 'say "hi"!' }] });
  });

  it('ends a condition at `because`, except where it is a field name after a dot', () => {
    const ast = parsePolicy('policy a\n  on a.b\n  deny when context.because == "x" because "y"\n');
    expect(ast.rules[0]?.condition.expr).toMatchObject({ operands: [{ kind: 'field', path: ['because'] }, { value: 'x' }] });
    expect(ast.rules[0]?.message).toBe('y');
  });

  it('accepts CRLF line endings', () => {
    const ast = parsePolicy('policy crlf\r\n  on a.b\r\n  deny when context.x > 1\r\n  because "x"\r\n');
    expect(ast.rules[0]?.condition.position).toEqual({ line: 3, column: 13 });
  });

  it('reads paths with constant string keys and chained comparisons', () => {
    const ast = parsePolicy(withCondition('0 < context["odd-key"].value <= 10'));
    expect(ast.rules[0]?.condition.expr).toMatchObject({
      kind: 'comparison',
      ops: ['<', '<='],
      operands: [{ kind: 'literal' }, { kind: 'field', root: 'context', path: ['odd-key', 'value'], text: 'context.odd-key.value' }, { kind: 'literal' }],
    });
  });
});

describe('parsePolicy: errors name the exact line and column', () => {
  const cases: [string, string, number, number, RegExp][] = [
    ['empty text', '   \n# only a comment\n', 1, 1, /empty policy/],
    ['no policy keyword', 'rule x\n', 1, 1, /starts with `policy NAME`/],
    ['bad name', 'policy Margin\n  on a.b\n', 1, 8, /lower_snake_case/],
    ['missing name', 'policy\n  on a.b\n', 2, 3, /expected a policy name/],
    ['junk after name', 'policy a b\n', 1, 10, /unexpected b after the policy name/],
    ['missing on', 'policy a\n  deny when context.x because "x"\n', 2, 3, /expected `on TOOL-PATTERN`/],
    ['pattern with spaces', 'policy a\n  on pricing . set_price\n', 2, 14, /tool pattern/],
    ['pattern without verb', 'policy a\n  on pricing\n  deny when context.x because "x"\n', 2, 13, /a tool is domain.verb/],
    ['pattern wildcard domain', 'policy a\n  on *.set\n', 2, 7, /unexpected \. after the tool patterns/],
    ['no rules', 'policy a\n  on a.b\n', 2, 9, /at least one rule/],
    ['unknown effect', 'policy a\n  on a.b\n  block when context.x because "x"\n', 3, 3, /deny, require_approval or allow/],
    ['second policy', 'policy a\n  on a.b\n  deny when context.x because "x"\npolicy b\n', 4, 1, /one policy/],
    ['missing when', 'policy a\n  on a.b\n  deny context.x because "x"\n', 3, 8, /expected `when` after deny/],
    ['empty condition', 'policy a\n  on a.b\n  deny when because "x"\n', 3, 13, /expected a condition/],
    ['missing because at end', 'policy a\n  on a.b\n  deny when context.x\n', 3, 22, /expected because "MESSAGE" to end the rule on line 3/],
    ['missing because before next rule', 'policy a\n  on a.b\n  deny when context.x\n  deny when context.y because "y"\n', 4, 3, /rule on line 3/],
    ['message not quoted', 'policy a\n  on a.b\n  deny when context.x because why\n', 3, 31, /quoted message/],
    ['message on the next line', 'policy a\n  on a.b\n  deny when context.x because\n  "x"\n', 3, 30, /quoted message/],
    ['empty message', 'policy a\n  on a.b\n  deny when context.x because "  "\n', 3, 31, /must say why/],
    ['junk after message', 'policy a\n  on a.b\n  deny when context.x because "x" or not\n', 3, 35, /unexpected or after the message/],
    ['unterminated string', 'policy a\n  on a.b\n  deny when context.x because "x\n', 3, 31, /unterminated string/],
    ['bad escape', 'policy a\n  on a.b\n  deny when context.x because "a\\qb"\n', 3, 33, /bad escape \\q/],
    ['single quotes', withCondition("context.x == 'a'"), 3, 26, /double quotes/],
    ['mathjs syntax error mapped back', withCondition('context.x > * 2'), 3, 25, /Value expected/],
    ['unclosed parenthesis', withCondition('(context.x > 2'), 3, 27, /Parenthesis \) expected/],
    ['error on a continuation line', 'policy a\n  on a.b\n  deny when context.x > 1 and\n      context.y <\n  because "x"\n', 4, 18, /Unexpected end of expression/],
    ['unexpected character', withCondition('context.x @ 2'), 3, 23, /unexpected character "@"/],
    ['non-ASCII outside strings', withCondition('context.prix€ > 2'), 3, 25, /unexpected character "€"/],
    ['malformed number', withCondition('context.x > 1.2.3'), 3, 28, /malformed number/],
    ['number running into a name', withCondition('2context.x > 1'), 3, 14, /implicit multiplication/],
  ];
  for (const [label, text, line, column, message] of cases) {
    it(label, () => {
      const error = parseError(text);
      expect(error).toBeInstanceOf(PolicyParseError);
      expect(error.code).toBe('POLICY_INVALID');
      expect(error.reason).toMatch(message);
      expect({ line: error.line, column: error.column }).toEqual({ line, column });
      expect(error.message).toBe(`line ${line}, column ${column}: ${error.reason}`);
    });
  }

  it('counts columns in code points, so text after an emoji lines up with an editor', () => {
    const error = parseError('policy a\n  on a.b\n  deny when context.x == "😀" and @\n  because "x"\n');
    expect({ line: error.line, column: error.column }).toEqual({ line: 3, column: 34 });
  });
});
