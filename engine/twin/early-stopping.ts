import { meanWithHalfWidth } from './distribution.js';

/**
 * Monte Carlo stops once the 95 % confidence half-width of the headline metric's mean
 * (revenue) is within `tolerance` of the mean, after at least `minSamples`, in batches of
 * `batchSamples`, never past `maxSamples`. Sample k draws the same numbers whatever the
 * batch, so a run that stopped after n samples equals one asked for exactly n.
 */
export type StoppingRule = Readonly<{ tolerance: number; minSamples: number; batchSamples: number; maxSamples: number }>;

export const defaultStoppingRule: StoppingRule = Object.freeze({ tolerance: 0.01, minSamples: 128, batchSamples: 128, maxSamples: 4096 });

/** A fixed sample count: one batch, no early stop. */
export const fixedSamples = (samples: number): StoppingRule => ({ tolerance: 0, minSamples: samples, batchSamples: samples, maxSamples: samples });

export type StoppingReport = Readonly<{
  metric: 'revenue';
  samples: number;
  mean: number;
  halfWidth: number;
  relativeHalfWidth: number;
  tolerance: number;
  maxSamples: number;
  /** True when the tolerance was met before maxSamples. */
  stoppedEarly: boolean;
}>;

export type StoppingDecision = Readonly<{ stop: boolean; nextBatch: number; report: StoppingReport }>;

export function stoppingDecision(rule: StoppingRule, headline: ArrayLike<number>): StoppingDecision {
  const samples = headline.length;
  const { mean, halfWidth } = meanWithHalfWidth(headline);
  const relativeHalfWidth = mean === 0 ? (halfWidth === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(halfWidth / mean);
  const met = samples >= rule.minSamples && relativeHalfWidth <= rule.tolerance;
  const stop = met || samples >= rule.maxSamples;
  const report: StoppingReport = {
    metric: 'revenue',
    samples,
    mean: Math.round(mean),
    halfWidth: Math.round(halfWidth),
    relativeHalfWidth: Number.isFinite(relativeHalfWidth) ? Math.round(relativeHalfWidth * 1e6) / 1e6 : 1,
    tolerance: rule.tolerance,
    maxSamples: rule.maxSamples,
    stoppedEarly: met && samples < rule.maxSamples,
  };
  return { stop, nextBatch: Math.min(rule.batchSamples, rule.maxSamples - samples), report };
}
