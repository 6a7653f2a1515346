import { describe, expect, it } from 'vitest';
import { armProbabilities, banditFromJson, banditToJson, choose, createBandit, update, type Algorithm } from '../../../engine/decisions/index.js';
import { seededRandom, type Random } from '../../../engine/kernel/index.js';

/** A linear world with known per-arm weights: reward = θₐ·x + noise, so regret is exact. */
function linearWorld(seed: number, arms: number, dimension: number) {
  const random = seededRandom(`world-${seed}`);
  const weights = Array.from({ length: arms }, () => Array.from({ length: dimension }, () => random.normal() * 0.5));
  const context = (draw: Random) => Float64Array.from({ length: dimension }, (_, i) => (i === 0 ? 1 : draw.normal()));
  const expected = (arm: number, x: Float64Array) => weights[arm]!.reduce((sum, w, i) => sum + w * x[i]!, 0);
  return { context, expected };
}

function cumulativeRegret(algorithm: Algorithm, seed: number, rounds: number): number {
  const arms = 5;
  const dimension = 6;
  const world = linearWorld(seed, arms, dimension);
  const bandit = createBandit({ algorithm, arms: ['a', 'b', 'c', 'd', 'e'], dimension, epsilon: 0.1 });
  const random = seededRandom(`policy-${seed}`);
  const noise = seededRandom(`noise-${seed}`);
  const contexts = seededRandom(`contexts-${seed}`);
  let regret = 0;
  for (let round = 0; round < rounds; round += 1) {
    const x = world.context(contexts);
    const choice = choose(bandit, x, random);
    const values = Array.from({ length: arms }, (_, arm) => world.expected(arm, x));
    regret += Math.max(...values) - values[choice.index]!;
    update(bandit, choice.arm, x, values[choice.index]! + noise.normal() * 0.3);
  }
  return regret;
}

describe('contextual bandits', () => {
  it('LinUCB and Thompson sampling learn a linear world with far less regret than epsilon-greedy', () => {
    const seeds = [1, 2, 3];
    const total = (algorithm: Algorithm) => seeds.reduce((sum, seed) => sum + cumulativeRegret(algorithm, seed, 2_000), 0);
    const greedy = total('epsilon_greedy');
    expect(total('linucb')).toBeLessThan(greedy * 0.7);
    expect(total('thompson')).toBeLessThan(greedy * 0.7);
  });

  it('gives each arm a probability, summing to one, and logs the chosen arm with its own', () => {
    const x = Float64Array.from([1, 0.3, -0.2]);
    for (const algorithm of ['epsilon_greedy', 'linucb', 'thompson'] as const) {
      const bandit = createBandit({ algorithm, arms: ['hold', 'up', 'down'], dimension: 3, epsilon: 0.2 });
      update(bandit, 'up', x, 1);
      const probabilities = armProbabilities(bandit, x, seededRandom(1));
      expect(probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
      const choice = choose(bandit, x, seededRandom(2));
      expect(choice.propensity).toBeGreaterThan(0);
      expect(choice.propensity).toBeLessThanOrEqual(1);
      if (algorithm === 'epsilon_greedy') expect(probabilities).toEqual([0.2 / 3, 0.8 + 0.2 / 3, 0.2 / 3]);
      if (algorithm === 'linucb') expect(choice.propensity).toBe(1);
    }
  });

  it('chooses the same arms again from the same seed and stored state', () => {
    const bandit = createBandit({ algorithm: 'thompson', arms: ['a', 'b'], dimension: 2 });
    update(bandit, 'a', Float64Array.from([1, 1]), 0.5);
    const copy = banditFromJson(JSON.parse(JSON.stringify(banditToJson(bandit))) as ReturnType<typeof banditToJson>);
    const x = Float64Array.from([1, -0.5]);
    expect(choose(copy, x, seededRandom(7))).toEqual(choose(bandit, x, seededRandom(7)));
  });

  it('names what is wrong with a bad configuration, context or arm', () => {
    expect(() => createBandit({ algorithm: 'linucb', arms: [], dimension: 2 })).toThrow(/at least one arm/);
    expect(() => createBandit({ algorithm: 'linucb', arms: ['a', 'a'], dimension: 2 })).toThrow(/distinct/);
    expect(() => createBandit({ algorithm: 'epsilon_greedy', arms: ['a'], dimension: 2, epsilon: 2 })).toThrow(/epsilon/);
    const bandit = createBandit({ algorithm: 'linucb', arms: ['a'], dimension: 2 });
    expect(() => choose(bandit, Float64Array.from([1]), seededRandom(1))).toThrow(/1 features, the bandit expects 2/);
    expect(() => update(bandit, 'z', Float64Array.from([1, 0]), 1)).toThrow(/unknown arm z/);
  });
});
