import { fraudFeatureNames, labelledOrders, rocAuc } from './fraud-features.js';
import { demandHistory, historyDays, type DayWindow, type DemandHistory, type HistoryEvent, type PriceList } from './history.js';
import type { DemandFit, ModelFitter } from './model-fitter.js';
import type { CreatorParams, DemandParams, FraudParams, ModelParams, PayoutParams, PricingParams } from './model-params.js';
import type { ShopState } from './shop-state.js';

/**
 * Calibration: fits the models' parameters from the recorded events (docs in the README,
 * "Digital twin"). The last `holdoutDays` of the window are held out to measure the fit
 * (the backtest); the parameters come from the days before them. Ad response, competitor
 * moves, inventory policy and card fees are not visible in the events, so they keep their
 * priors.
 */
export type CalibrationInput = Readonly<{
  events: readonly HistoryEvent[];
  state: Pick<ShopState, 'products' | 'creators'>;
  window: DayWindow;
  holdoutDays: number;
  priors: ModelParams;
  /** The shop's price list by day, when it keeps one (see PriceList). */
  priceList?: PriceList;
}>;

export const calibratedModels = ['demand', 'pricing', 'creator', 'fraud', 'payout'] as const;
export type CalibratedModel = (typeof calibratedModels)[number];

export type CalibrationResult = Readonly<{
  params: Readonly<{ demand: DemandParams; pricing: PricingParams; creator: CreatorParams; fraud: FraudParams; payout: PayoutParams }>;
  backtest: Readonly<Record<CalibratedModel, Readonly<Record<string, number | null>>>>;
  /** Days [from, from + trainingDays) the parameters were fitted on. */
  trainingDays: number;
  /** Standard error of each product's fitted elasticity, by sku. */
  elasticityStandardError: Readonly<Record<string, number>>;
}>;

export class CalibrationDataError extends Error {
  override readonly name = 'CalibrationDataError';
}

export const minTrainingDays = 14;
/** Demand fit settings: the first pass's within-category spread of elasticities (a loose shrinkage prior), its floor, and optimiser steps. */
const looseSpread = 1;
const minSpread = 0.05;
const demandSteps = 300;
const fraudSteps = 300;
/** Fewest labelled orders (and frauds among them) the fraud model is fitted from. */
const minFraudOrders = 200;
const minFrauds = 10;

export async function calibrateModels(fitter: ModelFitter, input: CalibrationInput): Promise<CalibrationResult> {
  const { events, state, window, holdoutDays, priors } = input;
  const trainingDays = window.days - holdoutDays;
  const history = demandHistory(events, state, window, input.priceList);
  const soldDays = Array.from({ length: trainingDays }, (_, d) => history.skus.some((_, p) => (history.units[p * window.days + d] as number) > 0)).filter(Boolean).length;
  if (soldDays < minTrainingDays) {
    throw new CalibrationDataError(`the training window has orders on ${soldDays} day(s); calibration needs at least ${minTrainingDays}`);
  }
  const training = historyDays(history, 0, trainingDays);
  const holdout = historyDays(history, trainingDays, holdoutDays);
  const fitInput = {
    products: training.skus.length,
    days: training.days,
    categories: training.categories.length,
    categoryOf: training.categoryOf,
    weekday: training.weekday,
    units: Float32Array.from(training.units),
    logPrice: Float32Array.from(training.logPrice),
    reach: Float32Array.from(training.reach),
    priorElasticity: priors.pricing.defaultElasticity,
    steps: demandSteps,
  };
  // Two passes (empirical Bayes): the first, on the prior's overdispersion and a loose
  // spread, measures how noisy the days are and how far products' elasticities really
  // differ within a category; the second fits with those.
  const first = await fitter.fitDemand({ ...fitInput, dispersion: priors.demand.dispersion, elasticitySpread: looseSpread });
  const firstDispersion = momentDispersion(training, first);
  const spread = withinCategorySpread(training, first, elasticityErrors(training, first, firstDispersion, looseSpread));
  const fit = await fitter.fitDemand({ ...fitInput, dispersion: clamp(firstDispersion, 0.5, 1000), elasticitySpread: spread });
  const dispersion = momentDispersion(training, fit);
  const standardErrors = elasticityErrors(training, fit, dispersion, spread);
  const demandBacktest = backtestDemand(holdout, fit, chargedBackShare(events, window, trainingDays, priors.fraud.chargebackDelayDays[1]));

  const competitorMean = meanCompetitorFactor(priors.pricing);
  const season = normalisedSeason(fit.logSeason);
  const baseBySku: Record<string, number> = {};
  const refPriceBySku: Record<string, number> = {};
  const elasticityBySku: Record<string, number> = {};
  const elasticityStandardError: Record<string, number> = {};
  training.skus.forEach((sku, p) => {
    // The fit's base is the average over the days it saw, competitor cuts included; the twin draws the cuts again.
    baseBySku[sku] = (Math.exp(fit.logBase[p] as number) * season.scale) / competitorMean;
    refPriceBySku[sku] = Math.round(training.refPriceMinor[p] as number);
    elasticityBySku[sku] = clamp(fit.elasticity[p] as number, -10, 0);
    elasticityStandardError[sku] = round(standardErrors[p] as number, 4);
  });
  const elasticityByCategory = Object.fromEntries(training.categories.map((c, i) => [c, clamp(fit.categoryElasticity[i] as number, -10, 0)]));
  const houseLiftByCategory = Object.fromEntries(training.categories.map((c, i) => [c, fit.liftPerReach * mean(training.reach.subarray(i * training.days, (i + 1) * training.days))]));
  const sold = goodOrderUnits(events, window, trainingDays);

  const fraud = await calibrateFraud(fitter, events, window, priors.fraud);
  const payout = calibratePayout(events, window, state, priors.payout);
  return {
    params: {
      demand: {
        ...priors.demand,
        baseBySku,
        refPriceBySku,
        defaultBase: median(Object.values(baseBySku)),
        season: season.multipliers,
        dispersion: clamp(dispersion, 0.5, 1000),
        unitsPerOrder: sold.orders > 0 ? clamp(sold.units / sold.orders, 1, 100) : priors.demand.unitsPerOrder,
      },
      pricing: { ...priors.pricing, elasticityBySku, elasticityByCategory, defaultElasticity: clamp(mean(Float64Array.from(fit.categoryElasticity)), -10, 0) },
      creator: { ...priors.creator, liftPerReach: fit.liftPerReach, houseLiftByCategory },
      fraud: fraud.params,
      payout: payout.params,
    },
    backtest: {
      demand: { ...demandBacktest, holdoutDays, dispersion: round(dispersion, 3), meanLogLoss: round(fit.loss, 4) },
      pricing: { medianElasticityStandardError: round(median(Object.values(elasticityStandardError)), 4), withinCategorySpread: round(spread, 4) },
      creator: { liftPerReach: fit.liftPerReach },
      fraud: fraud.backtest,
      payout: payout.backtest,
    },
    trainingDays,
    elasticityStandardError,
  };
}

/** E[competitor multiplier] of the pricing model's cuts: the share of days a cut runs times how deep it goes. */
export function meanCompetitorFactor(pricing: PricingParams): number {
  const days = (pricing.cutDaysMin + pricing.cutDaysMax) / 2;
  const active = (pricing.competitorCutRate * days) / (1 + pricing.competitorCutRate * Math.max(0, days - 1));
  return 1 - active * (1 - (pricing.cutDepthMin + pricing.cutDepthMax) / 2);
}

/** Expected units of each product-day under a fit (products × days). */
export function expectedUnits(history: DemandHistory, fit: DemandFit): Float64Array {
  const { days } = history;
  const out = new Float64Array(history.skus.length * days);
  for (let p = 0; p < history.skus.length; p += 1) {
    const c = history.categoryOf[p] as number;
    for (let d = 0; d < days; d += 1) {
      const at = p * days + d;
      const log = (fit.logBase[p] as number) + (fit.elasticity[p] as number) * (history.logPrice[at] as number) + (fit.logSeason[history.weekday[d] as number] ?? 0);
      out[at] = Math.exp(log) * (1 + fit.liftPerReach * (history.reach[c * days + d] as number));
    }
  }
  return out;
}

/**
 * Revenue the fit expects over the hold-out days (at the prices they sold at) against what
 * was sold. The hold-out's fraud has not been charged back yet, so its sales count every
 * order; the expectation is grossed up by the share of revenue charged back in the past.
 */
function backtestDemand(holdout: DemandHistory, fit: DemandFit, fraudShare: number): Record<string, number | null> {
  const expected = expectedUnits(holdout, fit);
  const { days } = holdout;
  const predictedByDay = new Float64Array(days);
  const actualByDay = new Float64Array(days);
  for (let p = 0; p < holdout.skus.length; p += 1) {
    for (let d = 0; d < days; d += 1) {
      const at = p * days + d;
      predictedByDay[d] = (predictedByDay[d] as number) + (expected[at] as number) * (holdout.refPriceMinor[p] as number) * Math.exp(holdout.logPrice[at] as number);
      actualByDay[d] = (actualByDay[d] as number) + (holdout.revenueMinor[at] as number);
    }
  }
  const grossUp = 1 / (1 - Math.min(0.5, fraudShare));
  predictedByDay.forEach((value, d) => {
    predictedByDay[d] = value * grossUp;
  });
  const predicted = predictedByDay.reduce((s, v) => s + v, 0);
  const actual = actualByDay.reduce((s, v) => s + v, 0);
  const daily = Array.from(actualByDay).flatMap((a, d) => (a > 0 ? [Math.abs((predictedByDay[d] as number) - a) / a] : []));
  return {
    holdoutRevenueMinor: Math.round(actual),
    predictedRevenueMinor: Math.round(predicted),
    revenueError: actual > 0 ? round((predicted - actual) / actual, 4) : null,
    dailyRevenueMape: daily.length > 0 ? round(daily.reduce((s, v) => s + v, 0) / daily.length, 4) : null,
  };
}

/** Share of revenue charged back among orders old enough for their chargebacks to have come (before `days`). */
function chargedBackShare(events: readonly HistoryEvent[], window: DayWindow, days: number, maturityDays: number): number {
  const charged = new Set(events.filter((e) => e.type === 'chargeback.received').map((e) => String(e.payload.orderId)));
  let all = 0;
  let lost = 0;
  for (const e of events) {
    if (e.type !== 'order.placed') continue;
    const day = Math.floor((e.occurredAtMs - window.fromMs) / 86_400_000);
    if (day < 0 || day >= days - maturityDays) continue;
    const revenue = (Number(e.payload.quantity) || 0) * (Number(e.payload.unitPriceMinor) || 0);
    all += revenue;
    if (charged.has(String(e.payload.orderId))) lost += revenue;
  }
  return all > 0 ? lost / all : 0;
}

/** Method-of-moments gamma shape: Var(y) = μ + μ²/r. */
function momentDispersion(history: DemandHistory, fit: DemandFit): number {
  const expected = expectedUnits(history, fit);
  let excess = 0;
  let squares = 0;
  expected.forEach((mu, at) => {
    excess += ((history.units[at] as number) - mu) ** 2 - mu;
    squares += mu * mu;
  });
  return excess > 0 ? squares / excess : 1000;
}

/** Each product's elasticity standard error from the Fisher information of its own days (weights μ / (1 + μ / r)). */
function elasticityErrors(history: DemandHistory, fit: DemandFit, dispersion: number, spread: number): Float64Array {
  const expected = expectedUnits(history, fit);
  const { days } = history;
  return Float64Array.from(history.skus, (_, p) => {
    let w = 0;
    let wx = 0;
    let wxx = 0;
    for (let d = 0; d < days; d += 1) {
      const mu = expected[p * days + d] as number;
      const weight = mu / (1 + mu / dispersion);
      const x = history.logPrice[p * days + d] as number;
      w += weight;
      wx += weight * x;
      wxx += weight * x * x;
    }
    const information = (w > 0 ? wxx - (wx * wx) / w : 0) + 1 / spread ** 2;
    return Math.sqrt(1 / information);
  });
}

/** How far elasticities differ within a category beyond what their standard errors explain: var(offsets) − mean(SE²). */
function withinCategorySpread(history: DemandHistory, fit: DemandFit, errors: Float64Array): number {
  let squares = 0;
  let noise = 0;
  history.skus.forEach((_, p) => {
    squares += ((fit.elasticity[p] as number) - (fit.categoryElasticity[history.categoryOf[p] as number] as number)) ** 2;
    noise += (errors[p] as number) ** 2;
  });
  const count = Math.max(1, history.skus.length);
  return Math.max(minSpread, Math.sqrt(Math.max(0, squares / count - noise / count)));
}

function normalisedSeason(logSeason: readonly number[]): { multipliers: number[]; scale: number } {
  const raw = Array.from({ length: 7 }, (_, w) => Math.exp(logSeason[w] ?? 0));
  const scale = raw.reduce((s, m) => s + m, 0) / 7;
  return { multipliers: raw.map((m) => round(m / scale, 6)), scale };
}

function goodOrderUnits(events: readonly HistoryEvent[], window: DayWindow, days: number): { orders: number; units: number } {
  const charged = new Set(events.filter((e) => e.type === 'chargeback.received').map((e) => String(e.payload.orderId)));
  let orders = 0;
  let units = 0;
  for (const e of events) {
    if (e.type !== 'order.placed' || charged.has(String(e.payload.orderId))) continue;
    const day = Math.floor((e.occurredAtMs - window.fromMs) / 86_400_000);
    if (day < 0 || day >= days) continue;
    orders += 1;
    units += Number(e.payload.quantity) || 0;
  }
  return { orders, units };
}

/** The fraud model: a logistic score fitted on the older three quarters of labelled orders, its AUC on the newest quarter. */
async function calibrateFraud(fitter: ModelFitter, events: readonly HistoryEvent[], window: DayWindow, prior: FraudParams) {
  const delays = claimDelays(events, 'chargeback.received');
  const maturity = delays.length >= minFrauds ? Math.max(...delays) : prior.chargebackDelayDays[1];
  const orders = labelledOrders(events, window, maturity);
  const frauds = orders.labels.reduce((s, l) => s + l, 0);
  if (orders.count < minFraudOrders || frauds < minFrauds) {
    return { params: prior, backtest: { labelledOrders: orders.count, chargebacks: frauds, auc: null, heldOutOrders: 0 } };
  }
  const width = fraudFeatureNames.length;
  const split = Math.floor(orders.count * 0.75);
  const scales = fraudFeatureNames.map((_, j) => {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < split; i += 1) {
      const v = orders.features[i * width + j] as number;
      sum += v;
      squares += v * v;
    }
    const sd = Math.sqrt(Math.max(0, squares / split - (sum / split) ** 2));
    return sd > 1e-9 ? sd : 1;
  });
  const standardised = Float32Array.from(orders.features.subarray(0, split * width), (v, at) => v / (scales[at % width] as number));
  const fit = await fitter.fitFraud({ features: standardised, labels: orders.labels.subarray(0, split), count: split, width, steps: fraudSteps });
  const scoring = {
    intercept: round(fit.intercept, 6),
    weights: Object.fromEntries(fraudFeatureNames.map((name, j) => [name, round(fit.weights[j] as number, 6)])),
    scales: Object.fromEntries(fraudFeatureNames.map((name, j) => [name, round(scales[j] as number, 6)])),
  };
  const testScores: number[] = [];
  const testLabels: number[] = [];
  for (let i = split; i < orders.count; i += 1) {
    const row = orders.features.subarray(i * width, (i + 1) * width);
    let z = scoring.intercept;
    fraudFeatureNames.forEach((name, j) => {
      z += ((scoring.weights[name] ?? 0) * (row[j] as number)) / (scoring.scales[name] ?? 1);
    });
    testScores.push(z);
    testLabels.push(orders.labels[i] as number);
  }
  const auc = rocAuc(testScores, testLabels);
  const chargebackRate = frauds / orders.count;
  return {
    params: {
      ...prior,
      fraudRate: clamp(chargebackRate / prior.chargebackShare, 0, 1),
      chargebackDelayDays: delays.length >= minFrauds ? ([Math.min(...delays), Math.max(...delays)] as [number, number]) : prior.chargebackDelayDays,
      scoring,
    },
    backtest: { labelledOrders: orders.count, chargebacks: frauds, auc: Number.isNaN(auc) ? null : round(auc, 4), heldOutOrders: orders.count - split },
  };
}

/** Refund rates by category (over orders old enough for their refunds to have come), refund delays and the payout period. */
function calibratePayout(events: readonly HistoryEvent[], window: DayWindow, state: Pick<ShopState, 'products'>, prior: PayoutParams) {
  const delays = claimDelays(events, 'order.refunded');
  const maturity = delays.length > 0 ? Math.max(...delays) : prior.refundDelayDays[1];
  const categoryOf = new Map(state.products.map((p) => [p.sku, p.category]));
  const refunded = new Set(events.filter((e) => e.type === 'order.refunded').map((e) => String(e.payload.orderId)));
  const counts = new Map<string, { orders: number; refunds: number }>();
  for (const e of events) {
    if (e.type !== 'order.placed') continue;
    const day = Math.floor((e.occurredAtMs - window.fromMs) / 86_400_000);
    if (day < 0 || day >= window.days - maturity) continue;
    const category = categoryOf.get(String(e.payload.sku));
    if (!category) continue;
    const entry = counts.get(category) ?? { orders: 0, refunds: 0 };
    entry.orders += 1;
    if (refunded.has(String(e.payload.orderId))) entry.refunds += 1;
    counts.set(category, entry);
  }
  const refundRateByCategory: Record<string, number> = {};
  let orders = 0;
  let refunds = 0;
  for (const [category, entry] of counts) {
    orders += entry.orders;
    refunds += entry.refunds;
    if (entry.orders >= 30) refundRateByCategory[category] = round(entry.refunds / entry.orders, 6);
  }
  const periods = events.filter((e) => e.type === 'payout.due').map((e) => daysBetween(String(e.payload.periodStart), String(e.payload.periodEnd)) + 1).filter((n) => n >= 1 && n <= 90);
  return {
    params: {
      ...prior,
      refundRateByCategory: Object.keys(refundRateByCategory).length > 0 ? refundRateByCategory : prior.refundRateByCategory,
      defaultRefundRate: orders >= 30 ? round(refunds / orders, 6) : prior.defaultRefundRate,
      refundDelayDays: delays.length >= 10 ? ([Math.min(...delays), Math.max(...delays)] as [number, number]) : prior.refundDelayDays,
      payoutEveryDays: periods.length > 0 ? mode(periods) : prior.payoutEveryDays,
    },
    backtest: { refundRate: orders > 0 ? round(refunds / orders, 6) : null, ordersCounted: orders },
  };
}

/** Whole days between each claim and its order, for orders placed in the events. */
function claimDelays(events: readonly HistoryEvent[], type: 'chargeback.received' | 'order.refunded'): number[] {
  const placed = new Map<string, number>();
  for (const e of events) if (e.type === 'order.placed') placed.set(String(e.payload.orderId), e.occurredAtMs);
  return events.flatMap((e) => {
    if (e.type !== type) return [];
    const at = placed.get(String(e.payload.orderId));
    if (at === undefined) return [];
    const delay = Math.round((startOfDay(e.occurredAtMs) - startOfDay(at)) / 86_400_000);
    return delay >= 0 && delay <= 120 ? [delay] : [];
  });
}

const startOfDay = (ms: number) => ms - (ms % 86_400_000);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (values: ArrayLike<number>) => (values.length === 0 ? 0 : Array.from(values).reduce((s, v) => s + v, 0) / values.length);

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 7;
}
