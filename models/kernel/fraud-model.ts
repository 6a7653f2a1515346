import * as tf from '@tensorflow/tfjs-core';

/**
 * Fraud: a share of orders is fraudulent and most of those come back as chargebacks worth
 * the order. The day's fraudulent orders are a Poisson count around orders · rate (normal
 * approximation from the path's draw), each worth the day's average order.
 */
export function dailyFraudLoss(
  revenue: tf.Tensor,
  orderValue: tf.Tensor,
  normal: tf.Tensor,
  options: Readonly<{ fraudRate: number; chargebackShare: number }>,
): tf.Tensor {
  return tf.tidy(() => {
    const expected = tf.mul(revenue, options.fraudRate * options.chargebackShare);
    const spread = tf.sqrt(tf.relu(tf.mul(tf.mul(expected, orderValue), options.chargebackShare)));
    return tf.relu(tf.add(expected, tf.mul(spread, normal)));
  });
}

/** P(fraud) of each order [orders] from standardised features [orders, features]: a logistic model. */
export function fraudScores(features: tf.Tensor, weights: tf.Tensor, intercept: number): tf.Tensor {
  return tf.tidy(() => tf.sigmoid(tf.add(tf.squeeze(tf.matMul(features, tf.expandDims(weights, 1)), [1]), intercept)));
}
