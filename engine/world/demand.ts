import { dayOfWeek } from './calendar.js';
import type { CategoryId } from './catalog-vocabulary.js';
import type { DayLevers } from './levers.js';
import type { WorldTruth } from './truth.js';

/**
 * The demand form the world and the twin share (docs/world.md):
 *   λ_pd = base_p · (price/refPrice)^elasticity_p · season[dow] · (1 + adLift_d)
 *          · (1 + streamLift_pd) · competitor_kd
 * These functions are noise-free; the day's draw multiplies λ by a Gamma(r, 1/r) factor.
 */
export type CompetitorFactors = Readonly<Partial<Record<CategoryId, number>>>;

export function adLift(truth: WorldTruth, adSpendMinor: number): number {
  return truth.adMax * (1 - Math.exp(-Math.max(0, adSpendMinor) / truth.adHalfMinor));
}

/** Summed lift per category of the day's streams (a category no stream features is absent: 0). */
export function streamLifts(truth: WorldTruth, levers: DayLevers): Partial<Record<CategoryId, number>> {
  const lifts: Partial<Record<CategoryId, number>> = {};
  for (const stream of levers.streams) {
    lifts[stream.category] = (lifts[stream.category] ?? 0) + creatorLift(truth, stream.creatorHandle);
  }
  return lifts;
}

/** One stream's lift for its category: streamLiftPerViewer · audience · conversion (0 for an unknown creator). */
export function creatorLift(truth: WorldTruth, handle: string): number {
  const creator = truth.creators.find((c) => c.handle === handle);
  return creator ? truth.streamLiftPerViewer * creator.audience * creator.conversion : 0;
}

/** λ per product (catalog order) for the day: the noise-free mean units demanded. */
export function expectedDemand(truth: WorldTruth, levers: DayLevers, date: string, competitors: CompetitorFactors = {}): number[] {
  const season = truth.season[dayOfWeek(date)] ?? 1;
  const ads = 1 + adLift(truth, levers.adSpendMinor);
  const streams = streamLifts(truth, levers);
  return truth.products.map((p) => {
    const price = levers.pricesMinor[p.sku] ?? p.refPriceMinor;
    return (
      p.baseUnitsPerDay *
      (price / p.refPriceMinor) ** p.elasticity *
      season *
      ads *
      (1 + (streams[p.category] ?? 0)) *
      (competitors[p.category] ?? 1)
    );
  });
}
