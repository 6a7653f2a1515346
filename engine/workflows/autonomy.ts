import type { VerdictOutcome } from '../governance/action.js';
import { hasSideEffect, riskAtLeast, type EffectClass, type RiskLevel } from '../tools/tool.js';

/** DESIGN §4: how far a workflow may act on its own. The strings cross the wire unchanged. */
export const autonomyLevels = ['a0_manual', 'a1_assisted', 'a2_supervised', 'a3_autonomous', 'a4_self_optimizing'] as const;
export type AutonomyLevel = (typeof autonomyLevels)[number];

/** What happens to one tool call once the governor has spoken. */
export type Gate = 'execute' | 'draft' | 'await_approval' | 'deny';

export type GateInput = Readonly<{
  /** Undefined for a person calling a tool by hand: the verdict alone decides. */
  level: AutonomyLevel | undefined;
  effect: EffectClass;
  risk: RiskLevel;
  verdict: VerdictOutcome;
}>;

export type GateDecision = Readonly<{ gate: Gate; reason: string }>;

/**
 * The autonomy gate, applied after the verdict and never instead of it: a deny stops every
 * level, a require_approval waits at every level that would otherwise execute.
 * - A0 manual: every side effect becomes a draft a person marks done or discards.
 * - A1 assisted: side effects of risk medium or above wait for an approval.
 * - A2 supervised and above: runs while the verdict is allow.
 * A3/A4 gate as A2; their monitoring and experiments live in the evaluator.
 */
export function gateFor({ level, effect, risk, verdict }: GateInput): GateDecision {
  if (verdict === 'deny') return { gate: 'deny', reason: 'the governor denied the action' };
  if (!hasSideEffect(effect)) return { gate: 'execute', reason: 'reads run at every autonomy level' };
  if (level === 'a0_manual') return { gate: 'draft', reason: 'A0 manual: side effects become drafts for a person' };
  if (verdict === 'require_approval') return { gate: 'await_approval', reason: 'a policy requires approval' };
  if (level === 'a1_assisted' && riskAtLeast(risk, 'medium')) return { gate: 'await_approval', reason: `A1 assisted: ${risk} risk waits for approval` };
  return { gate: 'execute', reason: 'the verdict allows it' };
}

export function parseAutonomyLevel(text: string): AutonomyLevel | undefined {
  return (autonomyLevels as readonly string[]).includes(text) ? (text as AutonomyLevel) : undefined;
}
