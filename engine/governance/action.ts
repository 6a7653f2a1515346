import type { Role } from '../kernel/roles.js';

/**
 * Every side effect is an action, and every action passes the governor first. Tool names
 * are `domain.verb` (`pricing.set_price`, `payouts.post`), which is what policy patterns
 * and kill-switch scopes match on.
 */
export type Actor = Readonly<{
  id: string;
  kind: 'user' | 'agent' | 'system';
  role: Role | 'system';
}>;

export type Action = Readonly<{
  orgUnitId: string;
  actor: Actor;
  tool: string;
  input: Readonly<Record<string, unknown>>;
  /** Facts about live state the caller gathered (e.g. `reconciled`, `riskChecked`). */
  context: Readonly<Record<string, unknown>>;
  /** The twin's point forecast for the action (e.g. `marginPercent`), when there is one. */
  projected?: Readonly<Record<string, number>>;
  /** The twin's risk figures (e.g. `pMarginBelowFloor`), when there is one. */
  risk?: Readonly<Record<string, number>>;
  /** Proposed by an agent or a workflow rather than done by a person's own hand. */
  autonomous: boolean;
}>;

export const verdictOutcomes = ['allow', 'require_approval', 'deny'] as const;
export type VerdictOutcome = (typeof verdictOutcomes)[number];

/** One rule that matched, and why it said what it said. */
export type RuleMatch = Readonly<{
  policy: string;
  version: number;
  /** 1-based index of the rule within the policy. */
  rule: number;
  effect: VerdictOutcome;
  message: string;
}>;
