import { describe, expect, it } from 'vitest';
import { defaultThresholds, neighbourhood, pickOpportunities, type PathMetrics, type Risks } from '../../../engine/twin/index.js';
import { catalogShop } from '../../support/twin-shop.js';

const state = catalogShop({ products: 6, creators: 2 });

const paths = (contribution: number[], revenue = contribution): PathMetrics =>
  ({ contribution: Float64Array.from(contribution), revenue: Float64Array.from(revenue) }) as unknown as PathMetrics;
const risks = (pMarginBelowFloor = 0, pStockout = 0, pRunwayBelowMinimum: number | null = 0): Risks => ({
  pMarginBelowFloor,
  pStockout,
  pRunwayBelowMinimum,
  pRevenueBelowCurrent: null,
  thresholds: defaultThresholds,
});

describe('the opportunity search', () => {
  it('looks a few points either side of each lever the scenario pulls, within the allowed ranges', () => {
    const product = state.products[0]!;
    const near = neighbourhood({ priceChange: -97, products: [{ sku: product.sku, priceChange: 10 }] }, state);
    expect(near.map((n) => n.description)).toEqual([
      'prices -92 % instead of -97 %',
      'ad spend -10 % instead of +0 %',
      'ad spend +10 % instead of +0 %',
      `${product.sku} price +5 % instead of +10 %`,
      `${product.sku} price +15 % instead of +10 %`,
    ]);
    expect(neighbourhood({}, { ...state, adSpendDailyMinor: 0 }).map((n) => n.changes)).toEqual([{ priceChange: -5 }, { priceChange: 5 }]);
  });

  it('keeps neighbours that beat the scenario on most paired samples without raising a risk past 5 %', () => {
    const scenario = { paths: paths([100, 100, 100, 100]), risks: risks() };
    const candidates = [
      { neighbour: { changes: { priceChange: 5 }, description: 'better' }, paths: paths([130, 120, 90, 140]), risks: risks(0.01) },
      { neighbour: { changes: { priceChange: -5 }, description: 'worse' }, paths: paths([90, 95, 99, 80]), risks: risks() },
      { neighbour: { changes: { adSpendChange: 10 }, description: 'risky' }, paths: paths([300, 300, 300, 300]), risks: risks(0.2) },
    ];
    const found = pickOpportunities(scenario, candidates);
    expect(found.map((o) => o.description)).toEqual(['better']);
    expect(found[0]).toMatchObject({ probabilityBetter: 0.75, contributionGain: { mean: 20 } });
  });
});
