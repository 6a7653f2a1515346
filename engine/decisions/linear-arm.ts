/**
 * One arm's ridge-regression estimate of reward from context features, kept as the inverse
 * design matrix A⁻¹ (A = λI + Σ x xᵀ) and b = Σ r x. An observation updates A⁻¹ with the
 * Sherman–Morrison identity in O(d²): no matrix is inverted after the first.
 */
export type LinearArm = {
  readonly dimension: number;
  /** A⁻¹, row-major d × d. */
  readonly inverse: Float64Array;
  readonly b: Float64Array;
  /** θ = A⁻¹ b, kept current after each update. */
  readonly theta: Float64Array;
  pulls: number;
  rewardSum: number;
};

export type LinearArmJson = Readonly<{ dimension: number; inverse: readonly number[]; b: readonly number[]; theta: readonly number[]; pulls: number; rewardSum: number }>;

/** A fresh arm: A = λI, so A⁻¹ = I / λ (λ is the ridge penalty, the prior's precision). */
export function newLinearArm(dimension: number, ridge = 1): LinearArm {
  if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
  if (!(ridge > 0)) throw new RangeError(`ridge must be positive, got ${ridge}`);
  const inverse = new Float64Array(dimension * dimension);
  for (let i = 0; i < dimension; i += 1) inverse[i * dimension + i] = 1 / ridge;
  return { dimension, inverse, b: new Float64Array(dimension), theta: new Float64Array(dimension), pulls: 0, rewardSum: 0 };
}

/** θ · x: the arm's expected reward in this context. */
export function predict(arm: LinearArm, x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < arm.dimension; i += 1) sum += (arm.theta[i] as number) * (x[i] as number);
  return sum;
}

/** xᵀ A⁻¹ x alone, over the upper triangle (A⁻¹ is symmetric): half the work of quadraticForm. */
export function uncertainty(arm: LinearArm, x: Float64Array): number {
  const d = arm.dimension;
  const inverse = arm.inverse;
  let form = 0;
  for (let i = 0; i < d; i += 1) {
    const xi = x[i] as number;
    const offset = i * d;
    let cross = 0;
    for (let j = i + 1; j < d; j += 1) cross += (inverse[offset + j] as number) * (x[j] as number);
    form += xi * ((inverse[offset + i] as number) * xi + 2 * cross);
  }
  return form;
}

/**
 * xᵀ A⁻¹ x: how uncertain the estimate is in this direction. `scratch` receives A⁻¹ x,
 * which callers reuse (the update needs it too).
 */
export function quadraticForm(arm: LinearArm, x: Float64Array, scratch: Float64Array): number {
  const d = arm.dimension;
  const inverse = arm.inverse;
  let form = 0;
  for (let i = 0; i < d; i += 1) {
    let row = 0;
    const offset = i * d;
    for (let j = 0; j < d; j += 1) row += (inverse[offset + j] as number) * (x[j] as number);
    scratch[i] = row;
    form += row * (x[i] as number);
  }
  return form;
}

/**
 * Adds one observation (x, reward). With u = A⁻¹x and s = xᵀu (A⁻¹ is symmetric):
 * A⁻¹ ← A⁻¹ − u uᵀ / (1 + s), b ← b + r x, and θ = A⁻¹b moves by u (r − θ·x) / (1 + s)
 * (recursive least squares), so nothing costs more than O(d²).
 */
export function observe(arm: LinearArm, x: Float64Array, reward: number, scratch: Float64Array = new Float64Array(arm.dimension)): void {
  if (!Number.isFinite(reward)) throw new RangeError(`reward must be a finite number, got ${reward}`);
  const d = arm.dimension;
  const inverse = arm.inverse;
  const denominator = 1 + quadraticForm(arm, x, scratch);
  const step = (reward - predict(arm, x)) / denominator;
  for (let i = 0; i < d; i += 1) {
    const u = scratch[i] as number;
    const scaled = u / denominator;
    const offset = i * d;
    for (let j = 0; j < d; j += 1) inverse[offset + j] = (inverse[offset + j] as number) - scaled * (scratch[j] as number);
    arm.b[i] = (arm.b[i] as number) + reward * (x[i] as number);
    arm.theta[i] = (arm.theta[i] as number) + u * step;
  }
  arm.pulls += 1;
  arm.rewardSum += reward;
}

export function armToJson(arm: LinearArm): LinearArmJson {
  return { dimension: arm.dimension, inverse: Array.from(arm.inverse), b: Array.from(arm.b), theta: Array.from(arm.theta), pulls: arm.pulls, rewardSum: arm.rewardSum };
}

/** θ is stored as it was updated (recomputing A⁻¹b would differ in the last bits, and so might a choice). */
export function armFromJson(json: LinearArmJson): LinearArm {
  const d = json.dimension;
  if (json.inverse.length !== d * d || json.b.length !== d || json.theta.length !== d) throw new RangeError(`arm state does not fit dimension ${d}`);
  return { dimension: d, inverse: Float64Array.from(json.inverse), b: Float64Array.from(json.b), theta: Float64Array.from(json.theta), pulls: json.pulls, rewardSum: json.rewardSum };
}
