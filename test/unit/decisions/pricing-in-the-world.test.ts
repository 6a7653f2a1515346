import { describe, expect, it } from 'vitest';
import {
  armProbabilities,
  choose,
  createBandit,
  defaultArms,
  offPolicyReport,
  pricingFeatureDimension,
  pricingFeatures,
  update,
  type Algorithm,
  type LoggedDecision,
} from '../../../engine/decisions/index.js';
import { seededRandom, type Random } from '../../../engine/kernel/index.js';
import { poisson } from '../../../engine/world/draws.js';
import { createWorld } from '../../../engine/world/simulation.js';

/**
 * Pricing decisions against the simulated shop's ground truth. Each decision sets one
 * product's price for a week (a price change arm); its reward is the week's realised profit
 * (units drawn from the world's true demand) over the expected profit at the reference
 * price, so 1 means "as good as not changing". The oracle knows every product's true
 * elasticity; regret is measured in expected reward, so noise cannot flatter anyone.
 */
const world = createWorld({ seed: 'pricing-quality' });
const arms = defaultArms.pricing;
const changes = arms.map((arm) => Number(arm.change.priceChange) / 100);
const products = world.catalog.products.map((product, index) => {
  const truth = world.truth.products[index]!;
  return { product, truth, margin: (product.priceMinor - product.unitCostMinor) / product.priceMinor };
});

/** Expected weekly profit after a change, relative to the reference price's. */
function expectedReward(index: number, arm: number): number {
  const { truth, margin } = products[index]!;
  const c = changes[arm]!;
  return (1 + c) ** truth.elasticity * (1 + c / margin);
}

function realisedReward(index: number, arm: number, random: Random): number {
  const { product, truth } = products[index]!;
  const c = changes[arm]!;
  const weeklyUnits = truth.baseUnitsPerDay * 7;
  const units = poisson(random, weeklyUnits * (1 + c) ** truth.elasticity);
  const unitProfit = product.priceMinor * (1 + c) - product.unitCostMinor;
  return (units * unitProfit) / (weeklyUnits * (product.priceMinor - product.unitCostMinor));
}

// What the decision engine knows of each product: its margin, and an elasticity estimate as
// the twin's calibration gives it (the issue asks ±15 % of the truth: here off by 5 % sd).
const estimates = seededRandom('elasticity-estimates');
const estimatedElasticity = products.map(({ truth }) => truth.elasticity * (1 + 0.05 * estimates.normal()));

function contextOf(index: number): Float64Array {
  return pricingFeatures({ elasticity: estimatedElasticity[index]!, marginFraction: products[index]!.margin });
}

// Products selling at least one unit a day: a week's profit then says something.
const eligible = products.flatMap((p, index) => (p.truth.baseUnitsPerDay >= 1 ? [index] : []));

/** The pricing policy's settings: ε = 0.1 as the issue fixes it; α and v as the pricing decision uses them. */
const settings = { epsilon: 0.1, alpha: 0.2, scale: 0.1 };

function play(algorithm: Algorithm, seed: number, rounds: number) {
  const bandit = createBandit({ algorithm, arms: arms.map((arm) => arm.key), dimension: pricingFeatureDimension, ...settings });
  const picks = seededRandom(`products-${seed}`);
  const policy = seededRandom(`policy-${algorithm}-${seed}`);
  const sales = seededRandom(`sales-${seed}`);
  const chosen: number[] = [];
  const oracle: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const index = picks.pick(eligible);
    const x = contextOf(index);
    const choice = choose(bandit, x, policy);
    const values = arms.map((_, arm) => expectedReward(index, arm));
    chosen.push(values[choice.index]!);
    oracle.push(Math.max(...values));
    // The bandits learn the gain (0 = as good as the reference price), as the pricing decision records it.
    update(bandit, choice.arm, x, realisedReward(index, choice.index, sales) - 1);
  }
  const regret = oracle.reduce((sum, best, i) => sum + best - chosen[i]!, 0);
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  return { regret, last500: mean(chosen.slice(-500)), oracleLast500: mean(oracle.slice(-500)) };
}

describe('pricing decisions in the simulated shop', () => {
  it('LinUCB and Thompson sampling cut regret by at least 30 % against epsilon-greedy over 2,000 decisions, ending within 5 % of the oracle', () => {
    // Averaged over eight seeds: one run's regret is a few dozen decisions' worth, as much luck as policy.
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const runs = (algorithm: Algorithm) => seeds.map((seed) => play(algorithm, seed, 2_000));
    const meanRegret = (results: ReturnType<typeof play>[]) => results.reduce((sum, result) => sum + result.regret, 0) / results.length;
    const greedy = meanRegret(runs('epsilon_greedy'));
    for (const algorithm of ['linucb', 'thompson'] as const) {
      const results = runs(algorithm);
      expect(meanRegret(results), algorithm).toBeLessThan(greedy * 0.7);
      for (const result of results) expect(result.last500, algorithm).toBeGreaterThan(result.oracleLast500 * 0.95);
    }
  }, 120_000);

  it('estimates a different pricing policy by doubly robust within 10 % of its true value, from logs of a known policy', () => {
    // Logging policy: epsilon-greedy with ε = 0.3 as it learns; candidate: a LinUCB trained elsewhere.
    const logger = createBandit({ algorithm: 'epsilon_greedy', arms: arms.map((arm) => arm.key), dimension: pricingFeatureDimension, epsilon: 0.3 });
    const candidate = createBandit({ algorithm: 'linucb', arms: arms.map((arm) => arm.key), dimension: pricingFeatureDimension, alpha: settings.alpha });
    const training = seededRandom('candidate-training');
    for (let i = 0; i < 1_000; i += 1) {
      const index = training.pick(eligible);
      const x = contextOf(index);
      const choice = choose(candidate, x, training);
      update(candidate, choice.arm, x, realisedReward(index, choice.index, training) - 1);
    }
    const target = (x: Float64Array) => armProbabilities(candidate, x, seededRandom(0));

    const picks = seededRandom('ope-products');
    const policy = seededRandom('ope-policy');
    const sales = seededRandom('ope-sales');
    const logs: LoggedDecision[] = [];
    let truth = 0;
    for (let i = 0; i < 3_000; i += 1) {
      const index = picks.pick(eligible);
      const x = contextOf(index);
      const choice = choose(logger, x, policy);
      const reward = realisedReward(index, choice.index, sales);
      update(logger, choice.arm, x, reward);
      logs.push({ x, arm: choice.index, propensity: choice.propensity, reward });
      truth += target(x).reduce((sum, p, arm) => sum + p * expectedReward(index, arm), 0);
    }
    truth /= logs.length;
    const report = offPolicyReport(logs, target, arms.length, pricingFeatureDimension);
    expect(Math.abs(report.doublyRobust.estimate - truth) / truth).toBeLessThan(0.1);
  });
});
