import type { Metrics } from './metrics.js';
import type { Risks } from './risks.js';

/**
 * The governance hook: a simulation turned into the facts policies read (DESIGN §3). Pass
 * them as an action's context (`context: { ...governanceFacts(result) }`); the tool router
 * copies `projected` and `risk` to where conditions such as
 * `deny when risk.pMarginBelowFloor > 0.05` and `deny when projected.marginPercent < 0.15`
 * look. `projected` holds means, except runway, which is the median (a mean is dragged by
 * the capped no-burn samples); `risk` holds probabilities. Figures that are unknown (cash
 * before the first metrics.snapshot) are left out, so a policy reading them fails closed.
 */
export type GovernanceFacts = Readonly<{
  projected: Readonly<Record<string, number>>;
  risk: Readonly<Record<string, number>>;
  simulationId?: string;
}>;

export function governanceFacts(result: Readonly<{ metrics: Metrics; risks: Risks; id?: string }>): GovernanceFacts {
  const { metrics, risks } = result;
  const projected: Record<string, number> = {
    revenueMinor: metrics.revenue.mean,
    ordersCount: metrics.orders.mean,
    marginPercent: metrics.margin.mean,
    grossProfitMinor: metrics.grossProfit.mean,
    contributionMinor: metrics.contribution.mean,
    fraudLossMinor: metrics.fraudLoss.mean,
    stockouts: metrics.stockouts.mean,
  };
  if (metrics.cashRunwayDays) projected.cashRunwayDays = metrics.cashRunwayDays.p50;
  if (metrics.endingCash) projected.endingCashMinor = metrics.endingCash.mean;
  const risk: Record<string, number> = { pMarginBelowFloor: risks.pMarginBelowFloor, pStockout: risks.pStockout };
  if (risks.pRunwayBelowMinimum !== null) risk.pRunwayBelowMinimum = risks.pRunwayBelowMinimum;
  if (risks.pRevenueBelowCurrent !== null) risk.pRevenueBelowCurrent = risks.pRevenueBelowCurrent;
  return { projected, risk, ...(result.id ? { simulationId: result.id } : {}) };
}
