import type { RuleMatch, VerdictOutcome } from '../action.js';

/** A rule that could not be evaluated and therefore denied; never mistaken for a real deny. */
export type FailClosed = Readonly<{
  policy: string;
  version: number;
  rule: number;
  /** POLICY_FIELD_MISSING, POLICY_TYPE_ERROR, or POLICY_EVAL_ERROR for anything else thrown. */
  code: string;
  reason: string;
}>;

export type PolicyEvaluation = Readonly<{
  outcome: VerdictOutcome;
  /** Every rule whose condition held, in policy then rule order. */
  matched: readonly RuleMatch[];
  /** Every rule that threw; any entry makes the outcome deny. */
  failClosed: readonly FailClosed[];
}>;
