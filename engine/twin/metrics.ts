import { summarize, type Distribution, type SummaryOptions } from './distribution.js';
import type { KernelOutputs } from './model-runner.js';

/**
 * What a simulation reports, per scenario, as distributions over its samples. Money is
 * integer minor units; margin is a fraction (0.25 is 25 %); runway and stockouts are counts.
 */
export const metricSpecs = {
  revenue: { worst: 'low', rounding: 'integer' },
  orders: { worst: 'low', rounding: 'integer' },
  /** Gross margin: (revenue − cost of goods sold) / revenue. */
  margin: { worst: 'low', rounding: 'fraction' },
  grossProfit: { worst: 'low', rounding: 'integer' },
  /** Gross profit less refunds, fraud losses, fees, commissions, ad spend and fixed costs. */
  contribution: { worst: 'low', rounding: 'integer' },
  fraudLoss: { worst: 'high', rounding: 'integer' },
  refunds: { worst: 'high', rounding: 'integer' },
  /** Card processing and chargeback fees. */
  fees: { worst: 'high', rounding: 'integer' },
  commissions: { worst: 'high', rounding: 'integer' },
  /** Products that ran out of stock at some point. */
  stockouts: { worst: 'high', rounding: 'integer' },
  cashRunwayDays: { worst: 'low', rounding: 'fraction' },
  endingCash: { worst: 'low', rounding: 'integer' },
} as const satisfies Record<string, SummaryOptions>;
export type MetricName = keyof typeof metricSpecs;
export const metricNames = Object.keys(metricSpecs) as MetricName[];

/** Cash metrics are null while the shop has not reported its cash (no metrics.snapshot yet). */
export type Metrics = Readonly<Record<Exclude<MetricName, 'cashRunwayDays' | 'endingCash'>, Distribution> & { cashRunwayDays: Distribution | null; endingCash: Distribution | null }>;

/** Per-sample values of every metric, for one scenario. */
export type PathMetrics = Readonly<Record<MetricName, Float64Array>>;

export type PathContext = Readonly<{ unitsPerOrder: number; fixedCostMinor: number }>;

/** The metrics of scenario `scenario`'s samples in a kernel result of `count` samples per scenario. */
export function pathMetrics(outputs: KernelOutputs, scenario: number, count: number, context: PathContext): PathMetrics {
  const from = scenario * count;
  const slice = (array: Float64Array) => array.subarray(from, from + count);
  const revenue = slice(outputs.revenueMinor);
  const cogs = slice(outputs.cogsMinor);
  const refunds = slice(outputs.refundsMinor);
  const fraud = slice(outputs.fraudLossMinor);
  const commissions = slice(outputs.commissionsMinor);
  const ads = slice(outputs.adSpendMinor);
  const fees = slice(outputs.feesMinor);
  const units = slice(outputs.units);
  const each = (f: (i: number) => number) => Float64Array.from({ length: count }, (_, i) => f(i));
  const at = (a: Float64Array, i: number) => a[i] as number;
  return {
    revenue: Float64Array.from(revenue),
    orders: each((i) => at(units, i) / context.unitsPerOrder),
    margin: each((i) => (at(revenue, i) > 0 ? (at(revenue, i) - at(cogs, i)) / at(revenue, i) : 0)),
    grossProfit: each((i) => at(revenue, i) - at(cogs, i)),
    contribution: each((i) => at(revenue, i) - at(cogs, i) - at(refunds, i) - at(fraud, i) - at(fees, i) - at(commissions, i) - at(ads, i) - context.fixedCostMinor),
    fraudLoss: Float64Array.from(fraud),
    refunds: Float64Array.from(refunds),
    fees: Float64Array.from(fees),
    commissions: Float64Array.from(commissions),
    stockouts: Float64Array.from(slice(outputs.stockouts)),
    cashRunwayDays: Float64Array.from(slice(outputs.runwayDays)),
    endingCash: Float64Array.from(slice(outputs.endCashMinor)),
  };
}

export function summarizeMetrics(paths: PathMetrics, cashKnown: boolean): Metrics {
  const of = (name: MetricName) => summarize(paths[name], metricSpecs[name]);
  return {
    revenue: of('revenue'),
    orders: of('orders'),
    margin: of('margin'),
    grossProfit: of('grossProfit'),
    contribution: of('contribution'),
    fraudLoss: of('fraudLoss'),
    refunds: of('refunds'),
    fees: of('fees'),
    commissions: of('commissions'),
    stockouts: of('stockouts'),
    cashRunwayDays: cashKnown ? of('cashRunwayDays') : null,
    endingCash: cashKnown ? of('endingCash') : null,
  };
}

/** Joins per-sample arrays of several batches, in order. */
export function concatPaths(batches: readonly PathMetrics[]): PathMetrics {
  return Object.fromEntries(
    metricNames.map((name) => {
      const total = batches.reduce((sum, batch) => sum + batch[name].length, 0);
      const joined = new Float64Array(total);
      let offset = 0;
      for (const batch of batches) {
        joined.set(batch[name], offset);
        offset += batch[name].length;
      }
      return [name, joined];
    }),
  ) as Record<MetricName, Float64Array>;
}

/** The first `count` samples of every metric. */
export function headOfPaths(paths: PathMetrics, count: number): PathMetrics {
  return Object.fromEntries(metricNames.map((name) => [name, paths[name].subarray(0, count)])) as Record<MetricName, Float64Array>;
}
