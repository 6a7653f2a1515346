import type { Action, RuleMatch, VerdictOutcome } from '../action.js';
import type { CompiledPolicy } from './compile-policy.js';
import type { FailClosed, PolicyEvaluation } from './policy-evaluation.js';
import { toolPatternMatches } from './tool-pattern.js';

export type PolicySet = Readonly<{
  policies: readonly CompiledPolicy[];
  evaluate(action: Action): PolicyEvaluation;
}>;

/** The rules that apply to one tool, as parallel arrays: the hot loop reads nothing else. */
type ToolRules = Readonly<{
  tests: readonly ((action: Action) => boolean)[];
  matches: readonly RuleMatch[];
  ranks: Uint8Array;
}>;

const outcomes: readonly VerdictOutcome[] = ['allow', 'require_approval', 'deny'];
const rankOf = (effect: VerdictOutcome): number => outcomes.indexOf(effect);

const noRules: readonly never[] = Object.freeze([]);
/** The usual answer, shared: evaluating an action no rule matches allocates nothing. */
const allowNothing: PolicyEvaluation = Object.freeze({ outcome: 'allow', matched: noRules, failClosed: noRules });

// Tool names come from the tool registry, so this bound is never reached in practice; it
// keeps a flood of made-up tool names from growing the index without limit.
const maxIndexedTools = 4096;

/**
 * Indexes compiled policies by tool once, then evaluates actions against them: only the
 * rules of policies whose patterns match `action.tool` run. Precedence is deny >
 * require_approval > allow; no match is allow (the governor adds its invariants on top).
 * A rule that throws denies, and is listed under `failClosed`, not `matched`.
 */
export function createPolicySet(policies: readonly CompiledPolicy[]): PolicySet {
  const seen = new Map<string, number>();
  for (const policy of policies) {
    const other = seen.get(policy.name);
    if (other !== undefined) throw new RangeError(`policy ${policy.name} appears twice (versions ${other} and ${policy.version})`);
    seen.set(policy.name, policy.version);
  }
  const frozen = Object.freeze([...policies]);
  const byTool = new Map<string, ToolRules>();

  const rulesFor = (tool: string): ToolRules => {
    const cached = byTool.get(tool);
    if (cached !== undefined) return cached;
    const tests: ((action: Action) => boolean)[] = [];
    const matches: RuleMatch[] = [];
    for (const policy of frozen) {
      if (!policy.patterns.some((pattern) => toolPatternMatches(pattern, tool))) continue;
      for (const rule of policy.rules) {
        tests.push(rule.test);
        matches.push(rule.match);
      }
    }
    const rules = { tests, matches, ranks: Uint8Array.from(matches, (match) => rankOf(match.effect)) };
    if (byTool.size < maxIndexedTools) byTool.set(tool, rules);
    return rules;
  };

  const evaluate = (action: Action): PolicyEvaluation => {
    const { tests, matches, ranks } = rulesFor(action.tool);
    let matched: RuleMatch[] | undefined;
    let failClosed: FailClosed[] | undefined;
    let rank = 0;
    for (let i = 0; i < tests.length; i += 1) {
      let holds: boolean;
      try {
        holds = (tests[i] as (action: Action) => boolean)(action);
      } catch (error) {
        (failClosed ??= []).push(failClosedEntry(matches[i] as RuleMatch, error));
        continue;
      }
      if (holds) {
        (matched ??= []).push(matches[i] as RuleMatch);
        rank = Math.max(rank, ranks[i] ?? 0);
      }
    }
    if (matched === undefined && failClosed === undefined) return allowNothing;
    return {
      outcome: failClosed === undefined ? (outcomes[rank] ?? 'deny') : 'deny',
      matched: matched ?? noRules,
      failClosed: failClosed ?? noRules,
    };
  };

  return Object.freeze({ policies: frozen, evaluate });
}

function failClosedEntry(match: RuleMatch, error: unknown): FailClosed {
  const code = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'POLICY_EVAL_ERROR';
  const reason = error instanceof Error ? error.message : String(error);
  return { policy: match.policy, version: match.version, rule: match.rule, code, reason };
}
