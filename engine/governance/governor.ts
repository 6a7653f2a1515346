import type { Action, RuleMatch, VerdictOutcome } from './action.js';
import { invariants as hardInvariants, type Invariant, type InvariantState } from './invariants.js';
import { toolPatternMatches, type FailClosed, type PolicySet } from './policy/index.js';

/** Why a verdict came out as it did: every invariant that refused and every rule that matched. */
export type Verdict = Readonly<{
  outcome: VerdictOutcome;
  /** True when the outcome is deny only because something could not be evaluated. */
  failClosed: boolean;
  invariants: readonly { name: string; message: string }[];
  matched: readonly RuleMatch[];
  failures: readonly FailClosed[];
  /** Policy versions consulted: what an auditor needs to replay the verdict. */
  policyVersions: readonly { name: string; version: number }[];
  /** What the shadow versions would have said; logged, never enforced. */
  shadow: { outcome: VerdictOutcome; matched: readonly RuleMatch[]; failures: readonly FailClosed[] } | undefined;
}>;

export type GovernorInput = Readonly<{
  action: Action;
  state: InvariantState;
  enforced: PolicySet;
  shadow?: PolicySet;
  /** Tools that must have at least one enforced policy; without one they fail closed. */
  requirePolicyFor?: (tool: string) => boolean;
}>;

/**
 * The verdict on one action. Precedence: an invariant refusal or any deny wins, then
 * require_approval, then allow. Pure: the caller persists, audits and opens incidents.
 */
export function evaluateAction(input: GovernorInput, invariants: readonly Invariant[] = hardInvariants): Verdict {
  const { action, state, enforced } = input;
  const refusals = invariants
    .filter((invariant) => invariant.applies(action))
    .flatMap((invariant) => {
      const message = invariant.refuse(action, state);
      return message === undefined ? [] : [{ name: invariant.name, message }];
    });
  const evaluation = enforced.evaluate(action);
  const consulted = enforced.policies.filter((policy) => policy.patterns.some((pattern) => toolPatternMatches(pattern, action.tool)));
  const missingPolicy = consulted.length === 0 && input.requirePolicyFor?.(action.tool) === true;
  const failures: FailClosed[] = [...evaluation.failClosed];
  if (missingPolicy) {
    failures.push({ policy: '(none)', version: 0, rule: 0, code: 'POLICY_MISSING', reason: `no policy is loaded for ${action.tool}, which requires one` });
  }
  const shadowEvaluation = input.shadow?.evaluate(action);
  const realDeny = refusals.length > 0 || evaluation.matched.some((m) => m.effect === 'deny');
  const outcome: VerdictOutcome = realDeny || failures.length > 0 ? 'deny' : evaluation.outcome;
  return {
    outcome,
    failClosed: !realDeny && failures.length > 0,
    invariants: refusals,
    matched: evaluation.matched,
    failures,
    policyVersions: consulted.map((policy) => ({ name: policy.name, version: policy.version })),
    shadow: shadowEvaluation && { outcome: shadowEvaluation.outcome, matched: shadowEvaluation.matched, failures: shadowEvaluation.failClosed },
  };
}
