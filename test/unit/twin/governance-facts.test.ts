import { describe, expect, it } from 'vitest';
import { governanceFacts, summarizeMetrics, defaultThresholds, type PathMetrics } from '../../../engine/twin/index.js';

describe('governanceFacts', () => {
  const paths = Object.fromEntries(
    ['revenue', 'orders', 'margin', 'grossProfit', 'contribution', 'fraudLoss', 'refunds', 'fees', 'commissions', 'stockouts', 'cashRunwayDays', 'endingCash'].map((name) => [
      name,
      Float64Array.from([1, 2, 3, 4]),
    ]),
  ) as unknown as PathMetrics;

  it('puts means under projected (runway as its median) and probabilities under risk', () => {
    const facts = governanceFacts({
      metrics: summarizeMetrics(paths, true),
      risks: { pMarginBelowFloor: 0.08, pStockout: 0.01, pRunwayBelowMinimum: 0, pRevenueBelowCurrent: 0.7, thresholds: defaultThresholds },
      id: 'sim-1',
    });
    expect(facts.projected).toMatchObject({ revenueMinor: 3, marginPercent: 2.5, cashRunwayDays: 2.5 });
    expect(facts.risk).toEqual({ pMarginBelowFloor: 0.08, pStockout: 0.01, pRunwayBelowMinimum: 0, pRevenueBelowCurrent: 0.7 });
    expect(facts.simulationId).toBe('sim-1');
  });

  it('leaves out what is unknown, so a policy reading it fails closed', () => {
    const facts = governanceFacts({
      metrics: summarizeMetrics(paths, false),
      risks: { pMarginBelowFloor: 0, pStockout: 0, pRunwayBelowMinimum: null, pRevenueBelowCurrent: null, thresholds: defaultThresholds },
    });
    expect(facts.projected).not.toHaveProperty('cashRunwayDays');
    expect(facts.risk).not.toHaveProperty('pRunwayBelowMinimum');
  });
});
