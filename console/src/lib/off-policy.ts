import { offPolicyReport, type OffPolicyReport } from '$engine/decisions/off-policy';
import type { Decision } from './types';

export type ArmEstimate = { decisionType: string; arm: string; report: OffPolicyReport };

const intercept = new Float64Array([1]);

/**
 * Off-policy estimates, from the settled decisions listed, of "always choose this arm" for
 * each arm a decision type has used: what it would have earned per decision next to what the
 * live policy earned. The engine's estimators (IPS, SNIPS, doubly robust) do the work; the
 * listing carries no features, so the reward model is one mean per arm.
 */
export function armEstimates(decisions: readonly Decision[]): ArmEstimate[] {
  const settled = decisions.filter((decision) => decision.reward !== null);
  const byType = Map.groupBy(settled, (decision) => decision.decisionType);
  const estimates: ArmEstimate[] = [];
  for (const [decisionType, logged] of byType) {
    if (logged.length < 2) continue;
    const arms = [...new Set(logged.map((decision) => decision.selectedOption))];
    const logs = logged.map((decision) => ({ x: intercept, arm: arms.indexOf(decision.selectedOption), propensity: decision.propensity, reward: decision.reward ?? 0 }));
    arms.forEach((arm, index) => {
      const alwaysThisArm = () => arms.map((_, other) => (other === index ? 1 : 0));
      estimates.push({ decisionType, arm, report: offPolicyReport(logs, alwaysThisArm, arms.length, 1) });
    });
  }
  return estimates;
}
