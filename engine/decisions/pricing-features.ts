/**
 * Context for one product's pricing decision. What a price change c earns depends on how
 * strongly demand answers price (elasticity e, the twin's current estimate for the product)
 * and on the margin m it moves: profit after the change is (1+c)^e · (1 + c/m) of before.
 * Expanded to second order in e, that is linear in 1, e, e², 1/m, e/m and e²/m, so a linear
 * model per arm can learn each arm's payoff from these six features.
 */
export type PricingContext = Readonly<{ elasticity: number; marginFraction: number }>;

export const pricingFeatureNames = ['bias', 'elasticity', 'elasticity_sq', 'inverse_margin', 'elasticity_over_margin', 'elasticity_sq_over_margin'] as const;
export const pricingFeatureDimension = pricingFeatureNames.length;

export function pricingFeatures(context: PricingContext): Float64Array {
  const { elasticity: e, marginFraction: m } = context;
  if (!(Number.isFinite(e) && e < 0 && e > -10)) throw new RangeError(`elasticity must be a negative number above -10, got ${e}`);
  if (!(m > 0 && m < 1)) throw new RangeError(`marginFraction must be in (0, 1), got ${m}`);
  // Scaled to about unit size (e/2 and 1/(2m) mostly lie within [-1.5, -0.3] and [0.6, 1.5]),
  // so the ridge prior and the confidence width weigh every feature alike. 1/m is capped at
  // 10: shops rarely run under a 10 % margin.
  const s = e / 2;
  const inverse = Math.min(10, 1 / m) / 2;
  return Float64Array.from([1, s, s * s, inverse, s * inverse, s * s * inverse]);
}
