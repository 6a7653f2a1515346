import * as tf from '@tensorflow/tfjs-core';

/**
 * Creators: a stream lifts its categories' demand that day by liftPerReach · audience ·
 * conversion (folded into the stream table), scaled by the day's turnout; the creator
 * earns commission on the share of revenue the stream brought.
 */

/** √(expected · (1 + lift · turnout)): expected and lift [sc|1, 1, n], turnout [1, s, 1] → [sc, s, n]. */
export function rootStreamLifted(expected: tf.Tensor, lift: tf.Tensor, turnout: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sqrt(tf.add(expected, tf.mul(tf.mul(expected, lift), turnout))));
}

/** Commission earned on a day [sc, s]: revenue by product times the share paid for it. */
export function commissionOfDay(revenueByProduct: tf.Tensor, commissionRate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(revenueByProduct, commissionRate), 2));
}
