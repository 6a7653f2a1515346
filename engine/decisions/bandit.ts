import type { Random } from '../kernel/index.js';
import { armFromJson, armToJson, newLinearArm, observe, predict, uncertainty, type LinearArm, type LinearArmJson } from './linear-arm.js';

export const algorithms = ['epsilon_greedy', 'linucb', 'thompson'] as const;
export type Algorithm = (typeof algorithms)[number];

/**
 * A contextual bandit over discrete arms, one linear reward model per arm (disjoint).
 * - epsilon_greedy: the best estimate, or with probability ε a uniformly random arm.
 * - linucb: the best upper confidence bound θ·x + α√(xᵀA⁻¹x) (deterministic).
 * - thompson: the best of one draw θ̃ ~ N(θ, v²A⁻¹) per arm, floored at the arm's mean (optimistic).
 */
export type BanditConfig = Readonly<{
  algorithm: Algorithm;
  arms: readonly string[];
  dimension: number;
  /** ε for epsilon_greedy (default 0.1). */
  epsilon?: number;
  /** α for linucb: the confidence width (default 1). */
  alpha?: number;
  /** v for thompson: the posterior's scale (default 0.5). */
  scale?: number;
  /** λ, the ridge penalty every arm starts with (default 1). */
  ridge?: number;
}>;

export type Bandit = Readonly<{ config: BanditConfig; arms: readonly LinearArm[] }>;

export type Choice = Readonly<{
  arm: string;
  index: number;
  /** The probability the policy had of choosing this arm in this context (> 0). */
  propensity: number;
  /** What the policy ranked the arms by (estimate, bound or draw). */
  scores: readonly number[];
}>;

export type BanditJson = Readonly<{ config: BanditConfig; arms: readonly LinearArmJson[] }>;

/** Draws used to estimate a Thompson choice's propensity (it has no closed form). */
const propensityDraws = 256;

export function createBandit(config: BanditConfig): Bandit {
  if (config.arms.length < 1) throw new RangeError('a bandit needs at least one arm');
  if (new Set(config.arms).size !== config.arms.length) throw new RangeError('arm keys must be distinct');
  const epsilon = config.epsilon ?? 0.1;
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be in [0, 1], got ${epsilon}`);
  return { config, arms: config.arms.map(() => newLinearArm(config.dimension, config.ridge ?? 1)) };
}

/** Scratch space for one dimension, so a hot loop allocates nothing. */
export type Workspace = Readonly<{ vector: Float64Array; draw: Float64Array }>;

export function workspaceFor(dimension: number): Workspace {
  return { vector: new Float64Array(dimension), draw: new Float64Array(dimension) };
}

export function choose(bandit: Bandit, x: Float64Array, random: Random, workspace = workspaceFor(bandit.config.dimension)): Choice {
  checkContext(bandit, x);
  const { config, arms } = bandit;
  switch (config.algorithm) {
    case 'epsilon_greedy': {
      const scores = linearScores(bandit, x);
      const best = argmax(scores);
      const epsilon = config.epsilon ?? 0.1;
      const index = random.next() < epsilon ? Math.floor(random.next() * arms.length) : best;
      return { arm: config.arms[index] as string, index, propensity: epsilonProbability(index, best, epsilon, arms.length), scores };
    }
    case 'linucb': {
      const scores = linearScores(bandit, x);
      const index = argmax(scores);
      return { arm: config.arms[index] as string, index, propensity: 1, scores };
    }
    case 'thompson': {
      const factors = arms.map((arm) => choleskyOf(arm));
      const scores = arms.map((arm, i) => thompsonDraw(arm, factors[i] as Float64Array, x, config.scale ?? 0.5, random, workspace));
      const index = argmax(scores);
      return { arm: config.arms[index] as string, index, propensity: thompsonProbabilities(bandit, factors, x, random, workspace)[index] as number, scores };
    }
  }
}

/**
 * The policy's probability of each arm in this context: exact for epsilon_greedy and
 * linucb, estimated from draws for thompson (floored so no arm it could pick reads as 0).
 * Off-policy evaluation reads a candidate policy through this.
 */
export function armProbabilities(bandit: Bandit, x: Float64Array, random: Random, workspace = workspaceFor(bandit.config.dimension)): number[] {
  checkContext(bandit, x);
  const { config, arms } = bandit;
  if (config.algorithm === 'thompson') return thompsonProbabilities(bandit, arms.map(choleskyOf), x, random, workspace);
  const best = argmax(linearScores(bandit, x));
  const epsilon = config.algorithm === 'epsilon_greedy' ? (config.epsilon ?? 0.1) : 0;
  return arms.map((_, index) => epsilonProbability(index, best, epsilon, arms.length));
}

/** The arm's model learns the reward it earned in context x. */
export function update(bandit: Bandit, arm: string, x: Float64Array, reward: number, workspace = workspaceFor(bandit.config.dimension)): void {
  checkContext(bandit, x);
  const index = bandit.config.arms.indexOf(arm);
  if (index < 0) throw new RangeError(`unknown arm ${arm}; the arms are ${bandit.config.arms.join(', ')}`);
  observe(bandit.arms[index] as LinearArm, x, reward, workspace.vector);
}

/** Each arm's expected reward in this context (the greedy view, whatever the algorithm). */
export function estimates(bandit: Bandit, x: Float64Array): number[] {
  checkContext(bandit, x);
  return bandit.arms.map((arm) => predict(arm, x));
}

export function banditToJson(bandit: Bandit): BanditJson {
  return { config: bandit.config, arms: bandit.arms.map(armToJson) };
}

export function banditFromJson(json: BanditJson): Bandit {
  if (json.arms.length !== json.config.arms.length) throw new RangeError('the stored bandit has a different number of arms than its config');
  return { config: json.config, arms: json.arms.map(armFromJson) };
}

/** What epsilon_greedy and linucb rank arms by: the estimate, plus for linucb its confidence width. */
function linearScores(bandit: Bandit, x: Float64Array): number[] {
  const alpha = bandit.config.algorithm === 'linucb' ? (bandit.config.alpha ?? 1) : 0;
  return bandit.arms.map((arm) => predict(arm, x) + (alpha === 0 ? 0 : alpha * Math.sqrt(Math.max(0, uncertainty(arm, x)))));
}

function checkContext(bandit: Bandit, x: Float64Array): void {
  if (x.length !== bandit.config.dimension) throw new RangeError(`context has ${x.length} features, the bandit expects ${bandit.config.dimension}`);
}

function epsilonProbability(index: number, best: number, epsilon: number, arms: number): number {
  return (index === best ? 1 - epsilon : 0) + epsilon / arms;
}

/** The first index of the largest score (ties go to the earlier arm, so the baseline listed first wins them). */
function argmax(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i += 1) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

/** Lower-triangular L with L Lᵀ = A⁻¹ (A⁻¹ is symmetric positive definite by construction). */
function choleskyOf(arm: LinearArm): Float64Array {
  const d = arm.dimension;
  const a = arm.inverse;
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = a[i * d + j] as number;
      for (let k = 0; k < j; k += 1) sum -= (l[i * d + k] as number) * (l[j * d + k] as number);
      // Rounding can push a tiny pivot below zero after many updates: clamp instead of NaN.
      l[i * d + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / (l[j * d + j] as number);
    }
  }
  return l;
}

/**
 * An optimistic draw of θ̃ · x for θ̃ = θ + v L z, z standard normal: a draw below the mean
 * counts as the mean. Plain draws let an arm unlucky early sink below the rest for good
 * (optimistic Bayesian sampling, May et al. 2012).
 */
function thompsonDraw(arm: LinearArm, factor: Float64Array, x: Float64Array, scale: number, random: Random, workspace: Workspace): number {
  const d = arm.dimension;
  const z = workspace.draw;
  for (let i = 0; i < d; i += 1) z[i] = random.normal();
  let mean = 0;
  let spread = 0;
  for (let i = 0; i < d; i += 1) {
    let noise = 0;
    for (let k = 0; k <= i; k += 1) noise += (factor[i * d + k] as number) * (z[k] as number);
    mean += (arm.theta[i] as number) * (x[i] as number);
    spread += noise * (x[i] as number);
  }
  return mean + scale * Math.max(0, spread);
}

function thompsonProbabilities(bandit: Bandit, factors: readonly Float64Array[], x: Float64Array, random: Random, workspace: Workspace): number[] {
  const wins = new Array<number>(bandit.arms.length).fill(0);
  const scale = bandit.config.scale ?? 0.5;
  for (let draw = 0; draw < propensityDraws; draw += 1) {
    let winner = 0;
    let best = -Infinity;
    bandit.arms.forEach((arm, i) => {
      const score = thompsonDraw(arm, factors[i] as Float64Array, x, scale, random, workspace);
      if (score > best) {
        best = score;
        winner = i;
      }
    });
    wins[winner] = (wins[winner] as number) + 1;
  }
  // Add-one smoothing: a draw count of zero means "rare", not "impossible".
  return wins.map((count) => (count + 1) / (propensityDraws + bandit.arms.length));
}
