import * as tf from '@tensorflow/tfjs-core';
import type { DemandFit, DemandFitInput } from '../../engine/twin/index.js';

/**
 * Fits the demand, pricing and creator models' parameters with Adam on the negative
 * binomial likelihood of units per product-day (engine/twin/model-fitter.ts states the
 * model). The gradients are written out rather than taken by tape: TensorFlow.js core
 * registers no gradients under Node's module loader, and the closed forms are a handful of
 * ops a step. The overdispersion r is held at the input's value (its likelihood needs
 * log-gamma, which TensorFlow.js lacks); calibration estimates r from the residuals.
 */
export function fitDemand(input: DemandFitInput): DemandFit {
  const { products: P, days: D, categories: C } = input;
  const r = input.dispersion;
  const cells = P * D;
  const shrink = 1 / input.elasticitySpread ** 2;
  const positiveReach = Array.from(input.reach).filter((value) => value > 0);
  // θ is learnt in units of the typical reach, so one step size suits any audience sizes.
  const reachScale = positiveReach.length > 0 ? positiveReach.reduce((s, value) => s + value, 0) / positiveReach.length : 1;
  const startBase = Float32Array.from({ length: P }, (_, p) => {
    let sum = 0;
    for (let d = 0; d < D; d += 1) sum += input.units[p * D + d] as number;
    return Math.log(sum / D + 0.05);
  });

  const fixed = tf.tidy(() => {
    const categoryOf = tf.tensor2d(oneHot(input.categoryOf, C), [P, C]);
    return {
      y: tf.tensor2d(input.units, [P, D]),
      x: tf.tensor2d(input.logPrice, [P, D]),
      categoryOf,
      weekday: tf.tensor2d(oneHot(input.weekday, 7), [D, 7]),
      reach: tf.div(tf.matMul(categoryOf, tf.tensor2d(input.reach, [C, D])), reachScale),
    };
  });
  const { y, x, categoryOf, weekday, reach } = fixed;
  const logBase = tf.variable(tf.tensor1d(startBase));
  const categoryElasticity = tf.variable(tf.fill([C], input.priorElasticity));
  const offset = tf.variable(tf.zeros([P]));
  const season = tf.variable(tf.zeros([7]));
  // softplus(−2.3) ≈ 0.1: a stream of typical reach starts out lifting its category by 10 %.
  const liftRaw = tf.variable(tf.scalar(-2.3));
  const variables = [logBase, categoryElasticity, offset, season, liftRaw];
  const optimizer = tf.train.adam(0.05);

  const elasticity = () => tf.add(tf.squeeze(tf.matMul(categoryOf, tf.expandDims(categoryElasticity, 1)), [1]), offset);
  /** Per cell: log μ and its parts the gradients need. */
  const forward = () => {
    const theta = tf.softplus(liftRaw);
    const lifted = tf.add(1, tf.mul(theta, reach));
    const logMean = tf.add(tf.add(tf.expandDims(logBase, 1), tf.mul(tf.expandDims(elasticity(), 1), x)), tf.add(tf.reshape(tf.matMul(weekday, tf.expandDims(season, 1)), [1, D]), tf.log(lifted)));
    return { logMean, lifted };
  };
  // −log-likelihood per cell up to terms free of μ: (y + r) · log(r + μ) − y · log μ; its derivative in log μ is (y + r) · μ / (r + μ) − y.
  const lossOf = (logMean: tf.Tensor) => tf.mean(tf.sub(tf.mul(tf.add(y, r), tf.log(tf.add(tf.exp(logMean), r))), tf.mul(y, logMean)));

  try {
    for (let step = 0; step < input.steps; step += 1) {
      const grads = tf.tidy(() => {
        const { logMean, lifted } = forward();
        const mu = tf.exp(logMean);
        const g = tf.div(tf.sub(tf.div(tf.mul(tf.add(y, r), mu), tf.add(mu, r)), y), cells);
        const gx = tf.sum(tf.mul(g, x), 1);
        const gSeason = tf.reshape(tf.matMul(tf.sum(g, 0, true), weekday), [7]);
        const dLift = tf.div(tf.mul(reach, tf.sigmoid(liftRaw)), lifted);
        return [
          { name: logBase.name, tensor: tf.sum(g, 1) },
          { name: offset.name, tensor: tf.add(gx, tf.mul(offset, shrink / cells)) },
          { name: categoryElasticity.name, tensor: tf.reshape(tf.matMul(tf.expandDims(gx, 0), categoryOf), [C]) },
          // The weekday effects are centred: only their differences move.
          { name: season.name, tensor: tf.sub(gSeason, tf.mean(gSeason)) },
          { name: liftRaw.name, tensor: tf.sum(tf.mul(g, dLift)) },
        ];
      });
      optimizer.applyGradients(grads);
      tf.dispose(grads.map((g) => g.tensor));
    }
    const read = (make: () => tf.Tensor): Float32Array => {
      const tensor = tf.tidy(make);
      const values = tensor.dataSync() as Float32Array;
      tensor.dispose();
      return values;
    };
    return {
      // The weekday effects are centred; what centring takes off them goes into the base, so the expectation is unchanged.
      logBase: Float64Array.from(read(() => tf.add(logBase, tf.mean(season)))),
      elasticity: Float64Array.from(read(elasticity)),
      categoryElasticity: Float64Array.from(categoryElasticity.dataSync()),
      logSeason: Array.from(read(() => tf.sub(season, tf.mean(season)))),
      liftPerReach: (read(() => tf.softplus(liftRaw))[0] as number) / reachScale,
      // Constant terms are left out: comparable between fits of the same data only.
      loss: read(() => lossOf(forward().logMean))[0] as number,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([y, x, categoryOf, weekday, reach, ...variables]);
  }
}

/** Rows of indicators (built here: tf.oneHot gave zeros on the wasm backend for a float32 result). */
function oneHot(indices: Int32Array, depth: number): Float32Array {
  const out = new Float32Array(indices.length * depth);
  indices.forEach((index, row) => {
    out[row * depth + index] = 1;
  });
  return out;
}
