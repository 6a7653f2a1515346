import type { Decision } from './types';

export type ArmStats = { decisionType: string; arm: string; chosen: number; settled: number; meanReward: number | null; meanPropensity: number };

/** Per decision type and arm: how often it was chosen, and its mean realised reward where settled. */
export function armStats(decisions: readonly Decision[]): ArmStats[] {
  const groups = new Map<string, { decisionType: string; arm: string; chosen: number; rewards: number[]; propensities: number[] }>();
  for (const decision of decisions) {
    const key = `${decision.decisionType}/${decision.selectedOption}`;
    const group = groups.get(key) ?? { decisionType: decision.decisionType, arm: decision.selectedOption, chosen: 0, rewards: [], propensities: [] };
    group.chosen += 1;
    group.propensities.push(decision.propensity);
    if (decision.reward !== null) group.rewards.push(decision.reward);
    groups.set(key, group);
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return [...groups.values()]
    .map((group) => ({
      decisionType: group.decisionType,
      arm: group.arm,
      chosen: group.chosen,
      settled: group.rewards.length,
      meanReward: group.rewards.length > 0 ? mean(group.rewards) : null,
      meanPropensity: mean(group.propensities),
    }))
    .sort((a, b) => a.decisionType.localeCompare(b.decisionType) || b.chosen - a.chosen);
}
