import * as tf from '@tensorflow/tfjs-core';
import type { FraudFit, FraudFitInput } from '../../engine/twin/index.js';

/** L2 weight on the logistic weights: enough to keep separable features finite. */
const ridge = 1e-3;

/**
 * Fits the fraud model's logistic score with Adam on the log-loss of labelled orders
 * (gradients written out, as in demand-fit.ts: Xᵀ(σ(z) − y) / n).
 */
export function fitFraud(input: FraudFitInput): FraudFit {
  const { count, width } = input;
  const positives = input.labels.reduce((s, l) => s + l, 0);
  const baseRate = Math.min(0.99, Math.max(0.001, positives / Math.max(1, count)));
  const features = tf.tensor2d(input.features, [count, width]);
  const labels = tf.tensor2d(Float32Array.from(input.labels), [count, 1]);
  const weights = tf.variable(tf.zeros([width, 1]));
  const intercept = tf.variable(tf.scalar(Math.log(baseRate / (1 - baseRate))));
  const optimizer = tf.train.adam(0.05);
  const logits = () => tf.add(tf.matMul(features, weights), intercept);
  try {
    for (let step = 0; step < input.steps; step += 1) {
      const grads = tf.tidy(() => {
        const error = tf.sub(tf.sigmoid(logits()), labels);
        return [
          { name: weights.name, tensor: tf.add(tf.div(tf.matMul(features, error, true, false), count), tf.mul(weights, 2 * ridge)) },
          { name: intercept.name, tensor: tf.mean(error) },
        ];
      });
      optimizer.applyGradients(grads);
      tf.dispose(grads.map((g) => g.tensor));
    }
    const loss = tf.tidy(() => {
      const z = logits();
      // log(1 + e^z) − y·z, written to stay finite for large |z|.
      return tf.mean(tf.sub(tf.softplus(z), tf.mul(labels, z))).dataSync()[0] as number;
    });
    return { intercept: intercept.dataSync()[0] as number, weights: Float64Array.from(weights.dataSync()), loss };
  } finally {
    optimizer.dispose();
    tf.dispose([features, labels, weights, intercept]);
  }
}
