import * as tf from '@tensorflow/tfjs-core';

/**
 * Payout: when money moves, as [days, days] timing matrices that a path's daily amounts
 * [paths, days] are multiplied by. Sales settle after settlementDays, less their processing
 * fees; refunds and chargebacks leave after a delay drawn uniformly from their ranges
 * (spread in expectation); commissions earned up to a payout day leave on it. Runway is cash
 * over the average daily outflow of the last 7 days (0 once cash is gone, capped).
 */

/** A day's refunds: a count around the expected refunds, each worth the average order. */
export function dailyRefunds(expected: tf.Tensor, orderValue: tf.Tensor, normal: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.relu(tf.add(expected, tf.mul(tf.sqrt(tf.relu(tf.mul(expected, orderValue))), normal))));
}

/** Card processing fees of a day's sales: a share of revenue and a fixed fee per order. */
export function processingFees(revenue: tf.Tensor, orders: tf.Tensor, options: Readonly<{ processorFeeBps: number; processorFeeFixedMinor: number }>): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(revenue, options.processorFeeBps / 10_000), tf.mul(orders, options.processorFeeFixedMinor)));
}

function matrix(days: number, weight: (from: number, to: number) => number): tf.Tensor {
  const values = new Float32Array(days * days);
  for (let k = 0; k < days; k += 1) for (let d = 0; d < days; d += 1) values[k * days + d] = weight(k, d);
  return tf.tensor2d(values, [days, days]);
}

/** Moves each day's amount `delay` days on (amounts past the horizon drop out). */
export const shiftMatrix = (days: number, delay: number) => matrix(days, (k, d) => (d - k === delay ? 1 : 0));

/** Spreads each day's amount over the delays [min, max], equally. */
export const spreadMatrix = (days: number, [min, max]: readonly [number, number]) => matrix(days, (k, d) => (d - k >= min && d - k <= max ? 1 / (max - min + 1) : 0));

/** Running total as of each day's end. */
export const cumulativeMatrix = (days: number) => matrix(days, (k, d) => (k <= d ? 1 : 0));

/** Mean of the last 7 days (fewer at the start). */
export const recentMeanMatrix = (days: number) => matrix(days, (k, d) => (k <= d && d - k < 7 ? 1 / Math.min(7, d + 1) : 0));

/** Commission earned on day k is paid on the first payout day from k on. */
export function payoutMatrix(payoutDays: Uint8Array): tf.Tensor {
  const days = payoutDays.length;
  const next = new Int32Array(days).fill(days);
  let upcoming = days;
  for (let k = days - 1; k >= 0; k -= 1) {
    if (payoutDays[k] === 1) upcoming = k;
    next[k] = upcoming;
  }
  return matrix(days, (k, d) => (next[k] === d ? 1 : 0));
}

/** Daily amounts [paths, days] moved by a timing matrix. */
export function moved(flows: tf.Tensor, timing: tf.Tensor): tf.Tensor {
  return tf.matMul(flows, timing);
}

/** The shortest runway of each path [paths] from its cash [paths, days] and the recent mean outflow. */
export function shortestRunway(cash: tf.Tensor, recentOutflow: tf.Tensor, capDays: number): tf.Tensor {
  return tf.tidy(() => tf.min(tf.minimum(tf.div(tf.relu(cash), tf.add(recentOutflow, 1e-9)), capDays), 1));
}
