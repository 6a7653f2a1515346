import { probability } from './distribution.js';
import type { PathMetrics } from './metrics.js';
import type { RiskThresholds } from './risk-thresholds.js';

/**
 * Probabilities, over the samples, of the outcomes governance cares about. The thresholds
 * come from the org unit's policies and are reported with the risks.
 */
export type Risks = Readonly<{
  /** P(gross margin < the margin floor). */
  pMarginBelowFloor: number;
  /** P(a product the scenario is about runs out), averaged over those products. */
  pStockout: number;
  /** P(cash runway < the minimum runway); null while cash is unknown. */
  pRunwayBelowMinimum: number | null;
  /** P(revenue below what the shop makes with no change), over the paired samples; null for the no-change scenario itself. */
  pRevenueBelowCurrent: number | null;
  thresholds: RiskThresholds;
}>;

export type RiskInputs = Readonly<{
  paths: PathMetrics;
  /** Stockouts among the scenario's own products, per sample, and how many products that is. */
  scopeStockouts: ArrayLike<number>;
  scopeSize: number;
  cashKnown: boolean;
  /** Revenue with no change, sample by sample, for the first samples (common random numbers). */
  currentRevenue?: ArrayLike<number>;
}>;

export function risksOf(inputs: RiskInputs, thresholds: RiskThresholds): Risks {
  const { paths, scopeStockouts, scopeSize, cashKnown, currentRevenue } = inputs;
  let stockoutShare = 0;
  for (let i = 0; i < scopeStockouts.length; i += 1) stockoutShare += (scopeStockouts[i] as number) / Math.max(1, scopeSize);
  return {
    pMarginBelowFloor: probability(paths.margin, (margin) => margin < thresholds.marginFloor.value),
    pStockout: Math.round((stockoutShare / Math.max(1, scopeStockouts.length)) * 1e6) / 1e6,
    pRunwayBelowMinimum: cashKnown ? probability(paths.cashRunwayDays, (days) => days < thresholds.minRunwayDays.value) : null,
    pRevenueBelowCurrent: currentRevenue ? probability(Array.from(currentRevenue, (_, i) => paths.revenue[i] as number), (revenue, i) => revenue < (currentRevenue[i] as number)) : null,
    thresholds,
  };
}
