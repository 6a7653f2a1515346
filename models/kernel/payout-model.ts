import * as tf from '@tensorflow/tfjs-core';

/**
 * Payout: when money moves. Sales settle after settlementDays, refunds and chargebacks
 * leave after their delays, commissions earned up to a payout day leave on it, and ad
 * spend, fixed costs and reorders leave the day they are spent. Cash runway is the first
 * day cash goes below zero within the horizon; past it, days until the average daily burn
 * would use up the closing cash (capped).
 */

/** A day's refunds: a count around the expected refunds, each worth the average order. */
export function dailyRefunds(expected: tf.Tensor, orderValue: tf.Tensor, normal: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.relu(tf.add(expected, tf.mul(tf.sqrt(tf.relu(tf.mul(expected, orderValue))), normal))));
}

/** [days, days] with 1 where an amount of day k has moved by the end of day d: k + delay ≤ d. */
export function delayMatrix(days: number, delay: number): tf.Tensor {
  const values = new Float32Array(days * days);
  for (let k = 0; k < days; k += 1) for (let d = k + delay; d < days; d += 1) values[k * days + d] = 1;
  return tf.tensor2d(values, [days, days]);
}

/** [days, days] with 1 where commission earned on day k has been paid by the end of day d. */
export function payoutMatrix(payoutDays: Uint8Array): tf.Tensor {
  const days = payoutDays.length;
  const values = new Float32Array(days * days);
  let next = days;
  for (let k = days - 1; k >= 0; k -= 1) {
    if (payoutDays[k] === 1) next = k;
    for (let d = next; d < days; d += 1) values[k * days + d] = 1;
  }
  return tf.tensor2d(values, [days, days]);
}

/** Amounts by path and day [paths, days] moved by a timing matrix: cumulative as of each day's end. */
export function moved(flows: tf.Tensor, timing: tf.Tensor): tf.Tensor {
  return tf.matMul(flows, timing);
}

/**
 * Runway in days per path from its cash path [paths, days], closing cash and average daily
 * net flow: the first day below zero, else the days the closing cash lasts at that burn.
 */
export function runwayDays(cash: tf.Tensor, netDaily: tf.Tensor, cumulative: tf.Tensor, capDays: number): tf.Tensor {
  return tf.tidy(() => {
    const days = cash.shape[1] ?? 0;
    const negative = tf.step(tf.neg(cash));
    const covered = tf.sub(days, tf.sum(tf.step(tf.matMul(negative, cumulative)), 1));
    const closing = tf.squeeze(tf.slice(cash, [0, days - 1], [-1, 1]), [1]);
    const lasting = tf.minimum(capDays, tf.add(days, tf.div(closing, tf.neg(netDaily))));
    const projected = tf.where(tf.greaterEqual(netDaily, 0), tf.fill(netDaily.shape, capDays), lasting);
    return tf.where(tf.less(covered, days), covered, projected);
  });
}
