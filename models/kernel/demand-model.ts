import * as tf from '@tensorflow/tfjs-core';

/**
 * Demand: units of each product a day around λ = scale · season · (1 + ad lift) · (1 +
 * stream lift · turnout) · overdispersion · competitor, drawn as (√λ + z/2)² − 1/4, the
 * square-root normal approximation of a Poisson draw: its mean is exactly λ and its variance
 * λ + 1/8, it needs no branches, and it stays near zero for tiny λ (never below −1/4).
 * The kernel carries √λ: the random multipliers' root is drawn with the noise, so a day
 * without streams costs one multiply per product instead of a multiply and a square root.
 */

/** Ad lift with diminishing returns: adMax · (1 − e^(−spend / adHalf)). */
export function adLift(adSpendMinor: tf.Tensor, adMax: number, adHalfMinor: number): tf.Tensor {
  return tf.tidy(() => tf.mul(adMax, tf.sub(1, tf.exp(tf.div(tf.neg(adSpendMinor), adHalfMinor)))));
}

/** Units demanded [sc, s, n] from √λ and half the Poisson normal [1, s, n]. */
export function poissonUnits(rootLambda: tf.Tensor, poissonHalf: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.square(tf.add(rootLambda, poissonHalf)), 0.25));
}
