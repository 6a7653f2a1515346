import type { ModelParams } from './model-params.js';
import type { ShopState } from './shop-state.js';

/**
 * What recent events say, for the priors a shop's twin starts from before any calibration
 * (docs/twin.md, "Priors"). Counts come from order.placed, order.refunded and
 * chargeback.received events in the window.
 */
export type RecentSales = Readonly<{
  /** Days the window covers; 0 when there is no history. */
  windowDays: number;
  unitsBySku: Readonly<Record<string, number>>;
  orders: number;
  units: number;
  /** Orders and refunds per product category. */
  refundsByCategory: Readonly<Record<string, Readonly<{ orders: number; refunds: number }>>>;
  chargebacks: number;
}>;

export const noSales: RecentSales = Object.freeze({ windowDays: 0, unitsBySku: {}, orders: 0, units: 0, refundsByCategory: {}, chargebacks: 0 });

/** Documented defaults, used where the history is too thin to say anything. */
export const priorDefaults = Object.freeze({
  baseUnitsPerDay: 1,
  elasticity: -1.5,
  adMax: 0.4,
  adHalfMinor: 50_000,
  dispersion: 10,
  unitsPerOrder: 1.2,
  competitorCutRate: 0.03,
  liftPerReach: 0.0005,
  turnoutSigma: 0.3,
  fraudRate: 0.02,
  chargebackShare: 0.9,
  chargebackDelayDays: [3, 20] as [number, number],
  settlementDays: 2,
  refundRate: 0.05,
  refundDelayDays: [1, 14] as [number, number],
  payoutEveryDays: 7,
  /** Typical card pricing: 2.9 % + 30¢, and $15 a chargeback. */
  processorFeeBps: 290,
  processorFeeFixedMinor: 30,
  chargebackFeeMinor: 1_500,
  safetyDays: 7,
  coverDays: 21,
  minOrderUnits: 10,
  leadTimeJitterDays: 0,
  /** Fewest orders a rate is estimated from. */
  minOrdersForRate: 30,
  /** Fewest orders the fraud rate is estimated from (chargebacks are rare). */
  minOrdersForFraud: 500,
});

/**
 * The priors: each product sells what it sold per day in the window (products that sold
 * nothing get the shop's average per product), rates are the window's where it has enough
 * orders, and everything else is the documented default.
 */
export function priorParams(state: ShopState, sales: RecentSales): ModelParams {
  const d = priorDefaults;
  const observed = sales.windowDays > 0 && sales.units > 0;
  const averagePerProduct = observed ? sales.units / sales.windowDays / Math.max(1, state.products.length) : d.baseUnitsPerDay;
  const baseBySku: Record<string, number> = {};
  const refPriceBySku: Record<string, number> = {};
  for (const product of state.products) {
    const sold = sales.unitsBySku[product.sku] ?? 0;
    if (observed && sold > 0) baseBySku[product.sku] = sold / sales.windowDays;
    refPriceBySku[product.sku] = product.priceMinor;
  }
  const refundRateByCategory: Record<string, number> = {};
  let allOrders = 0;
  let allRefunds = 0;
  for (const [category, counts] of Object.entries(sales.refundsByCategory)) {
    allOrders += counts.orders;
    allRefunds += counts.refunds;
    if (counts.orders >= d.minOrdersForRate) refundRateByCategory[category] = Math.min(1, counts.refunds / counts.orders);
  }
  const defaultRefundRate = allOrders >= d.minOrdersForRate ? Math.min(1, allRefunds / allOrders) : d.refundRate;
  const fraudRate = sales.orders >= d.minOrdersForFraud ? Math.min(1, sales.chargebacks / sales.orders / d.chargebackShare) : d.fraudRate;
  return {
    demand: {
      baseBySku,
      refPriceBySku,
      defaultBase: averagePerProduct,
      season: [1, 1, 1, 1, 1, 1, 1],
      adMax: d.adMax,
      adHalfMinor: d.adHalfMinor,
      dispersion: d.dispersion,
      unitsPerOrder: sales.orders >= d.minOrdersForRate ? Math.max(1, sales.units / sales.orders) : d.unitsPerOrder,
    },
    pricing: {
      elasticityBySku: {},
      elasticityByCategory: {},
      defaultElasticity: d.elasticity,
      competitorCutRate: d.competitorCutRate,
      cutDepthMin: 0.7,
      cutDepthMax: 0.9,
      cutDaysMin: 2,
      cutDaysMax: 5,
    },
    creator: { liftPerReach: d.liftPerReach, houseLiftByCategory: {}, turnoutSigma: d.turnoutSigma },
    fraud: {
      fraudRate,
      chargebackShare: d.chargebackShare,
      chargebackDelayDays: d.chargebackDelayDays,
      scoring: { intercept: logit(Math.min(0.5, Math.max(0.001, fraudRate))), weights: {}, scales: {} },
    },
    payout: {
      settlementDays: d.settlementDays,
      refundRateByCategory,
      defaultRefundRate,
      refundDelayDays: d.refundDelayDays,
      processorFeeBps: d.processorFeeBps,
      processorFeeFixedMinor: d.processorFeeFixedMinor,
      chargebackFeeMinor: d.chargebackFeeMinor,
      payoutEveryDays: d.payoutEveryDays,
      fixedDailyCostMinor: 0,
    },
    inventory: { safetyDays: d.safetyDays, coverDays: d.coverDays, minOrderUnits: d.minOrderUnits, leadTimeJitterDays: d.leadTimeJitterDays },
  };
}

const logit = (p: number): number => Math.log(p / (1 - p));
