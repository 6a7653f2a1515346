/**
 * The port calibration fits through (models/ implements it with TensorFlow.js optimisers,
 * in the worker pool). Arrays are typed so they cross to worker threads as they are.
 */

/**
 * A negative-binomial regression of units per product-day:
 *   log μ_pd = a_p + ε_p · logPrice_pd + s_weekday(d) + log(1 + θ · reach_c(p),d)
 * with ε_p = ε_category + δ_p and δ_p shrunk toward 0 (a normal prior of sd `elasticitySpread`).
 */
export type DemandFitInput = Readonly<{
  products: number;
  days: number;
  categories: number;
  categoryOf: Int32Array;
  weekday: Int32Array;
  /** products × days, product-major. */
  units: Float32Array;
  logPrice: Float32Array;
  /** categories × days. */
  reach: Float32Array;
  /** Gamma shape r of the overdispersion the likelihood assumes. */
  dispersion: number;
  priorElasticity: number;
  elasticitySpread: number;
  steps: number;
}>;

export type DemandFit = Readonly<{
  logBase: Float64Array;
  elasticity: Float64Array;
  categoryElasticity: Float64Array;
  /** Log weekday effects, Sunday first, summing to 0. */
  logSeason: readonly number[];
  liftPerReach: number;
  /** Mean negative log-likelihood per product-day at the end. */
  loss: number;
}>;

/** A logistic regression on standardised features (count × width, row-major), with a small L2 penalty. */
export type FraudFitInput = Readonly<{ features: Float32Array; labels: Uint8Array; count: number; width: number; steps: number }>;
export type FraudFit = Readonly<{ intercept: number; weights: Float64Array; loss: number }>;

export type ModelFitter = Readonly<{
  fitDemand(input: DemandFitInput): Promise<DemandFit>;
  fitFraud(input: FraudFitInput): Promise<FraudFit>;
}>;
