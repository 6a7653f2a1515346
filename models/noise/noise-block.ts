import type { KernelRequest } from '../../engine/twin/index.js';
import { competitorSeries, dailyNormal, demandDraws, leadJitter, turnoutMultiplier } from './draws.js';

/**
 * Every random number a block of samples needs, drawn once and laid out day-major, so the
 * kernel takes each day's slice as one tensor and every scenario of a request shares it
 * (common random numbers). Float32, as the tensors are.
 */
export type NoiseBlock = Readonly<{
  sampleCount: number;
  days: number;
  products: number;
  /** [day][sample][product]: half the standard normal behind the Poisson draw. */
  poissonHalf: Float32Array;
  /**
   * [day][sample][product]: square root of the day's demand multiplier, overdispersion
   * (gamma, mean 1) times the product's category's competitor multiplier. The kernel works
   * with √λ, so the root is taken here, once per sample, not once per scenario.
   */
  rootMultiplier: Float32Array;
  /** [day][sample]: stream turnout multiplier. */
  turnout: Float32Array;
  /** [day][sample]: standard normals behind the fraud and refund counts. */
  fraudNormal: Float32Array;
  refundNormal: Float32Array;
  /** [sample][product]: days an arrival comes after the lead time. */
  leadJitter: Float32Array;
}>;

export function drawNoiseBlock(request: KernelRequest): NoiseBlock {
  const { products, constants, seeds, sampleStart, sampleCount } = request;
  const days = constants.days;
  const n = products.keys.length;
  const categories = products.categoryKeys.length;
  const poissonHalf = new Float32Array(days * sampleCount * n);
  const rootMultiplier = new Float32Array(days * sampleCount * n);
  const competitor = Array.from({ length: categories }, () => new Float64Array(days));
  const turnout = new Float32Array(days * sampleCount);
  const fraudNormal = new Float32Array(days * sampleCount);
  const refundNormal = new Float32Array(days * sampleCount);
  const jitter = new Float32Array(sampleCount * n);
  const pair = new Float64Array(2);

  for (let s = 0; s < sampleCount; s += 1) {
    const sample = sampleStart + s;
    for (let c = 0; c < categories; c += 1) competitorSeries(seeds.pricing, sample, products.categoryKeys[c] as number, constants.competitor, competitor[c] as Float64Array);
    for (let d = 0; d < days; d += 1) {
      const row = (d * sampleCount + s) * n;
      for (let p = 0; p < n; p += 1) {
        demandDraws(seeds.demand, sample, products.keys[p] as number, d, constants.dispersion, pair);
        poissonHalf[row + p] = pair[0] as number;
        rootMultiplier[row + p] = Math.sqrt((pair[1] as number) * ((competitor[products.category[p] as number] as Float64Array)[d] as number));
      }
      turnout[d * sampleCount + s] = turnoutMultiplier(seeds.creator, sample, d, constants.turnoutSigma);
      fraudNormal[d * sampleCount + s] = dailyNormal(seeds.fraud, sample, d);
      refundNormal[d * sampleCount + s] = dailyNormal(seeds.payout, sample, d);
    }
    for (let p = 0; p < n; p += 1) jitter[s * n + p] = leadJitter(seeds.inventory, sample, products.keys[p] as number, constants.leadTimeJitterDays);
  }
  return { sampleCount, days, products: n, poissonHalf, rootMultiplier, turnout, fraudNormal, refundNormal, leadJitter: jitter };
}

/** Bytes a block holds, for the cache's budget. */
export function noiseBlockBytes(block: NoiseBlock): number {
  return (
    block.poissonHalf.byteLength +
    block.rootMultiplier.byteLength +
    block.turnout.byteLength +
    block.fraudNormal.byteLength +
    block.refundNormal.byteLength +
    block.leadJitter.byteLength
  );
}
