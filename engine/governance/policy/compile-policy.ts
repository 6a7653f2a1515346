import type { Action, RuleMatch, VerdictOutcome } from '../action.js';
import { compileCondition } from './compile-condition.js';
import type { ToolPattern } from './policy-ast.js';
import { parsePolicy } from './parse-policy.js';

export type CompiledRule = Readonly<{
  /** 1-based, in source order. */
  index: number;
  effect: VerdictOutcome;
  message: string;
  /** The condition's text as written, for display. */
  condition: string;
  /** True when the rule applies; throws when it cannot tell (the evaluator fails closed). */
  test: (action: Action) => boolean;
  /** Built once, handed out as is whenever the rule matches. */
  match: RuleMatch;
}>;

export type CompiledPolicy = Readonly<{
  name: string;
  version: number;
  source: string;
  patterns: readonly ToolPattern[];
  rules: readonly CompiledRule[];
}>;

/**
 * Parses, checks and compiles one policy version. Throws PolicyParseError (code
 * POLICY_INVALID, with line and column) for text that is not a valid, safe policy.
 */
export function compilePolicy(source: string, options: Readonly<{ version: number }>): CompiledPolicy {
  const { version } = options;
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`a policy version is a positive integer, got ${String(version)}`);
  const ast = parsePolicy(source);
  const rules = ast.rules.map((rule): CompiledRule => {
    const match: RuleMatch = Object.freeze({ policy: ast.name, version, rule: rule.index, effect: rule.effect, message: rule.message });
    return Object.freeze({
      index: rule.index,
      effect: rule.effect,
      message: rule.message,
      condition: rule.condition.text.trim(),
      test: compileCondition(rule.condition.expr),
      match,
    });
  });
  return Object.freeze({ name: ast.name, version, source, patterns: Object.freeze(ast.patterns), rules: Object.freeze(rules) });
}
