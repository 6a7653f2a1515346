import * as tf from '@tensorflow/tfjs-core';

/**
 * Pricing: each product's expected demand at a scenario's prices, base · (price / ref)^ε,
 * and the competitors' price cuts, which hit a whole category for a few days.
 */
export function demandScale(price: tf.Tensor, base: tf.Tensor, referencePrice: tf.Tensor, elasticity: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(base, tf.exp(tf.mul(elasticity, tf.log(tf.div(price, referencePrice))))));
}

/** A day's competitor multiplier for each product, from its category's: [samples, categories] → [1, samples, products]. */
export function competitorByProduct(competitorDay: tf.Tensor, category: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.expandDims(tf.gather(competitorDay, category, 1), 0));
}
