import type { CompetitorMoves } from '../../engine/twin/index.js';
import { normalAt, normalPairAt, uniformAt } from './counter-random.js';

/**
 * What each model draws, by (sample, day, product), from its own stream. The tensor kernel
 * draws them in blocks (noise-block.ts); the reference loop draws them one by one. Both call
 * these functions, so both see exactly the same numbers.
 */

/**
 * Gamma(shape, 1/shape) with mean 1 from a standard normal, by Wilson–Hilferty's cube:
 * accurate for the shapes demand uses (r ≥ 2), cheap, and a function of one normal (so it
 * shares the counter scheme). Never negative.
 */
export function gammaMultiplier(z: number, shape: number): number {
  const spread = 1 / (9 * shape);
  const root = 1 - spread + z * Math.sqrt(spread);
  return root > 0 ? root * root * root : 0;
}

/** Demand noise of one product-day: the Poisson half-normal and the overdispersion multiplier, in `out`. */
export function demandDraws(stream: number, sample: number, productKey: number, day: number, shape: number, out: Float64Array): void {
  normalPairAt(stream, sample, productKey, day, out);
  out[0] = (out[0] as number) / 2;
  out[1] = gammaMultiplier(out[1] as number, shape);
}

/**
 * A category's competitor multiplier for each day: on any day without a cut in progress a
 * cut starts with probability `rate`, lasting daysMin..daysMax days at a depth drawn from
 * [depthMin, depthMax]. Written into `out` (length = days).
 */
export function competitorSeries(stream: number, sample: number, categoryKey: number, moves: CompetitorMoves, out: Float64Array): void {
  let remaining = 0;
  let depth = 1;
  for (let day = 0; day < out.length; day += 1) {
    if (remaining === 0 && uniformAt(stream, sample, categoryKey, 3 * day) < moves.rate) {
      remaining = moves.daysMin + Math.floor(uniformAt(stream, sample, categoryKey, 3 * day + 1) * (moves.daysMax - moves.daysMin + 1));
      depth = moves.depthMin + (moves.depthMax - moves.depthMin) * uniformAt(stream, sample, categoryKey, 3 * day + 2);
    }
    if (remaining > 0) {
      out[day] = depth;
      remaining -= 1;
    } else {
      out[day] = 1;
    }
  }
}

/** A stream day's turnout multiplier: log-normal with mean 1. */
export function turnoutMultiplier(stream: number, sample: number, day: number, sigma: number): number {
  return Math.exp(sigma * normalAt(stream, sample, 0, day) - (sigma * sigma) / 2);
}

/** A standard normal for a path's day (fraud and refund counts). */
export function dailyNormal(stream: number, sample: number, day: number): number {
  return normalAt(stream, sample, 0, day);
}

/** Whole days an arrival comes after the lead time, 0..maxJitter, per sample and product. */
export function leadJitter(stream: number, sample: number, productKey: number, maxJitter: number): number {
  return Math.floor(uniformAt(stream, sample, productKey, 0) * (maxJitter + 1));
}
