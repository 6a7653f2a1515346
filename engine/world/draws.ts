import { seededRandom, type Random } from '../kernel/index.js';

/**
 * Random draws the world needs beyond the kernel's uniform and normal: Poisson counts,
 * Gamma multipliers (for negative-binomial demand) and independent sub-streams.
 */

/**
 * A stream of its own, seeded from one draw of `random`. The world forks one per purpose
 * at the start of a day, so changing a lever (which changes how many draws one purpose
 * makes) leaves every other purpose's numbers untouched: common random numbers.
 */
export function fork(random: Random, label: string): Random {
  return seededRandom(`${label}:${random.int(0, 0xffff_ffff)}`);
}

/** Poisson count: inversion for small means, Hörmann's PTRS rejection for large ones. */
export function poisson(random: Random, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let product = random.next();
    while (product > limit) {
      k += 1;
      product *= random.next();
    }
    return k;
  }
  const root = Math.sqrt(mean);
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.next() - 0.5;
    const v = random.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logMean - logFactorial(k)) return k;
  }
}

/** Gamma(shape, scale 1) by Marsaglia and Tsang; shapes below 1 are boosted and scaled back. */
export function gamma(random: Random, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * random.next() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = random.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Uniform in [min, max). */
export function uniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random.next();
}

/** True with probability `p`. */
export function chance(random: Random, p: number): boolean {
  return random.next() < p;
}

/** An index drawn in proportion to non-negative weights (the last positive one if rounding runs out). */
export function weightedIndex(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let remaining = random.next() * total;
  let last = 0;
  for (let i = 0; i < weights.length; i += 1) {
    const w = weights[i] ?? 0;
    if (w <= 0) continue;
    last = i;
    remaining -= w;
    if (remaining < 0) return i;
  }
  return last;
}

const lanczosCoefficients = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];

/** ln(k!) through Lanczos' ln Γ(k + 1). */
export function logFactorial(k: number): number {
  if (k < 2) return 0;
  const x = k + 1;
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let series = 1.000000000190015;
  for (const c of lanczosCoefficients) {
    y += 1;
    series += c / y;
  }
  return -tmp + Math.log((2.5066282746310005 * series) / x);
}
