import { describe, expect, it } from 'vitest';
import { armProbabilities, candidateBeatsLive, choose, createBandit, offPolicyReport, update, type LoggedDecision } from '../../../engine/decisions/index.js';
import { seededRandom } from '../../../engine/kernel/index.js';

/**
 * Logs from a known stochastic logging policy in a world whose expected rewards are known,
 * so a candidate's true value can be computed exactly and compared with the estimates.
 */
const arms = 4;
const dimension = 3;
const weights = [
  [0.5, 0.2, -0.1],
  [0.4, -0.3, 0.4],
  [0.6, 0.1, 0.1],
  [0.3, 0.5, -0.4],
];
const expected = (arm: number, x: Float64Array) => weights[arm]!.reduce((sum, w, i) => sum + w * x[i]!, 0);
const contextFrom = (random: ReturnType<typeof seededRandom>) => Float64Array.from([1, random.normal(), random.normal()]);

/** The candidate: greedy on the true model except a little exploration (so it is stochastic too). */
const candidate = (x: Float64Array): number[] => {
  const values = Array.from({ length: arms }, (_, arm) => expected(arm, x));
  const best = values.indexOf(Math.max(...values));
  return values.map((_, arm) => (arm === best ? 0.85 : 0) + 0.15 / arms);
};

function logs(n: number, seed: number): LoggedDecision[] {
  // The logging policy: epsilon-greedy (ε = 0.3) learning as it goes, its propensities logged.
  const bandit = createBandit({ algorithm: 'epsilon_greedy', arms: ['a', 'b', 'c', 'd'], dimension, epsilon: 0.3 });
  const random = seededRandom(`log-${seed}`);
  const noise = seededRandom(`noise-${seed}`);
  const contexts = seededRandom(`contexts-${seed}`);
  return Array.from({ length: n }, () => {
    const x = contextFrom(contexts);
    const choice = choose(bandit, x, random);
    const reward = expected(choice.index, x) + noise.normal() * 0.2;
    update(bandit, choice.arm, x, reward);
    return { x, arm: choice.index, propensity: choice.propensity, reward };
  });
}

function trueValue(seed: number): number {
  const contexts = seededRandom(`truth-${seed}`);
  let total = 0;
  const n = 20_000;
  for (let i = 0; i < n; i += 1) {
    const x = contextFrom(contexts);
    total += candidate(x).reduce((sum, p, arm) => sum + p * expected(arm, x), 0);
  }
  return total / n;
}

describe('off-policy evaluation', () => {
  it('estimates a different policy within 10 % of its true value by doubly robust, within a few standard errors', () => {
    const truth = trueValue(1);
    for (const seed of [1, 2, 3]) {
      const report = offPolicyReport(logs(3_000, seed), candidate, arms, dimension);
      expect(Math.abs(report.doublyRobust.estimate - truth) / Math.abs(truth)).toBeLessThan(0.1);
      // The stated uncertainty is honest: the truth lies within three of its standard errors.
      expect(Math.abs(report.doublyRobust.estimate - truth)).toBeLessThan(3 * report.doublyRobust.standardError);
      expect(Math.abs(report.snips.estimate - truth) / Math.abs(truth)).toBeLessThan(0.15);
      expect(report.effectiveSampleSize).toBeGreaterThan(100);
    }
  });

  it('promotes a candidate only when its lower bound beats what the logging policy earned', () => {
    const logged = logs(3_000, 4);
    expect(candidateBeatsLive(offPolicyReport(logged, candidate, arms, dimension))).toBe(true);
    const uniform = () => Array.from({ length: arms }, () => 1 / arms);
    expect(candidateBeatsLive(offPolicyReport(logged, uniform, arms, dimension))).toBe(false);
  });

  it('reads a bandit as a target policy through its arm probabilities', () => {
    const bandit = createBandit({ algorithm: 'linucb', arms: ['a', 'b', 'c', 'd'], dimension });
    const report = offPolicyReport(logs(500, 5), (x) => armProbabilities(bandit, x, seededRandom(1)), arms, dimension);
    expect(Number.isFinite(report.ips.estimate)).toBe(true);
    expect(() => offPolicyReport([], candidate, arms, dimension)).toThrow(/at least one logged decision/);
    expect(() => offPolicyReport([{ x: Float64Array.from([1, 0, 0]), arm: 0, propensity: 0, reward: 1 }], candidate, arms, dimension)).toThrow(/propensity/);
  });
});
