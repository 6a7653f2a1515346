import { summarize, type Distribution } from './distribution.js';
import type { PathMetrics } from './metrics.js';
import type { Risks } from './risks.js';
import type { ScenarioChanges } from './scenario.js';
import type { ShopState } from './shop-state.js';

/**
 * Opportunities: changes next to the scenario (a few points more or less on each of its
 * levers) that the simulation found better for contribution, paired sample by sample on
 * the same random numbers, without raising a risk past both the scenario's own and 5 %.
 */
export type Neighbour = Readonly<{ changes: ScenarioChanges; description: string }>;

export type Opportunity = Readonly<{
  changes: ScenarioChanges;
  description: string;
  /** Contribution gained over the scenario, paired sample by sample (minor units). */
  contributionGain: Pick<Distribution, 'mean' | 'p5' | 'p95'>;
  revenueGainMean: number;
  /** Share of paired samples in which it did better. */
  probabilityBetter: number;
  risks: Pick<Risks, 'pMarginBelowFloor' | 'pStockout' | 'pRunwayBelowMinimum'>;
}>;

const priceStep = 5;
const adStep = 10;
const maxProductLevers = 3;
const maxOpportunities = 3;
/** A neighbour may carry a risk up to this, or up to the scenario's own if that is higher. */
const acceptableRisk = 0.05;

const signed = (value: number) => `${value >= 0 ? '+' : ''}${value} %`;

export function neighbourhood(changes: ScenarioChanges, state: ShopState): Neighbour[] {
  const neighbours: Neighbour[] = [];
  const price = changes.priceChange ?? 0;
  for (const next of [price - priceStep, price + priceStep]) {
    if (next > -100 && next <= 1000) neighbours.push({ changes: { ...changes, priceChange: next }, description: `prices ${signed(next)} instead of ${signed(price)}` });
  }
  if (state.adSpendDailyMinor > 0) {
    const ads = changes.adSpendChange ?? 0;
    for (const next of [ads - adStep, ads + adStep]) {
      if (next >= -100 && next <= 1000) neighbours.push({ changes: { ...changes, adSpendChange: next }, description: `ad spend ${signed(next)} instead of ${signed(ads)}` });
    }
  }
  (changes.products ?? []).slice(0, maxProductLevers).forEach((product, index) => {
    const name = product.sku ?? product.productId ?? '';
    for (const next of [product.priceChange - priceStep, product.priceChange + priceStep]) {
      if (next <= -100 || next > 1000) continue;
      const products = (changes.products ?? []).map((p, i) => (i === index ? { ...p, priceChange: next } : p));
      neighbours.push({ changes: { ...changes, products }, description: `${name} price ${signed(next)} instead of ${signed(product.priceChange)}` });
    }
  });
  return neighbours;
}

export type Candidate = Readonly<{ neighbour: Neighbour; paths: PathMetrics; risks: Risks }>;

export function pickOpportunities(scenario: Readonly<{ paths: PathMetrics; risks: Risks }>, candidates: readonly Candidate[]): Opportunity[] {
  const limit = (own: number | null) => Math.max(own ?? 0, acceptableRisk);
  const found: Opportunity[] = [];
  for (const { neighbour, paths, risks } of candidates) {
    const n = paths.contribution.length;
    const gain = Float64Array.from({ length: n }, (_, i) => (paths.contribution[i] as number) - (scenario.paths.contribution[i] as number));
    let better = 0;
    let revenueGain = 0;
    for (let i = 0; i < n; i += 1) {
      if ((gain[i] as number) > 0) better += 1;
      revenueGain += ((paths.revenue[i] as number) - (scenario.paths.revenue[i] as number)) / n;
    }
    const summary = summarize(gain, { worst: 'low', rounding: 'integer' });
    const safe =
      risks.pMarginBelowFloor <= limit(scenario.risks.pMarginBelowFloor) &&
      risks.pStockout <= limit(scenario.risks.pStockout) &&
      (risks.pRunwayBelowMinimum ?? 0) <= limit(scenario.risks.pRunwayBelowMinimum);
    if (summary.mean > 0 && better / n > 0.5 && safe) {
      found.push({
        changes: neighbour.changes,
        description: neighbour.description,
        contributionGain: { mean: summary.mean, p5: summary.p5, p95: summary.p95 },
        revenueGainMean: Math.round(revenueGain),
        probabilityBetter: Math.round((better / n) * 1e6) / 1e6,
        risks: { pMarginBelowFloor: risks.pMarginBelowFloor, pStockout: risks.pStockout, pRunwayBelowMinimum: risks.pRunwayBelowMinimum },
      });
    }
  }
  return found.sort((a, b) => b.contributionGain.mean - a.contributionGain.mean).slice(0, maxOpportunities);
}
