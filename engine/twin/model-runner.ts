import type { ModelName } from './model-names.js';

/**
 * The port the models implement (models/ on TensorFlow.js, in a worker pool). The engine
 * hands over the shop and its scenarios in numeric form and gets one figure per scenario
 * and sample back; summaries, risks and opportunities are computed here, from those.
 * Arrays are typed so they cross to worker threads without conversion.
 */
export type KernelProducts = Readonly<{
  /** Random-number key of each product (from its id): a product keeps its draws whatever else changes. */
  keys: Uint32Array;
  /** Category index of each product. */
  category: Int32Array;
  /** Random-number key of each category (competitor moves happen per category). */
  categoryKeys: Uint32Array;
  /** Units a day at the reference price (demand model). */
  baseDemand: Float64Array;
  refPriceMinor: Float64Array;
  /** Price elasticity (pricing model). */
  elasticity: Float64Array;
  unitCostMinor: Float64Array;
  stock: Float64Array;
  leadTimeDays: Float64Array;
  /** Share of revenue refunded. */
  refundRate: Float64Array;
}>;

export type KernelScenario = Readonly<{
  priceMinor: Float64Array;
  /** Daily ad spend (minor units), by day. */
  adSpendMinor: Float64Array;
  /** Index into the request's `streamTables`. */
  streamTable: number;
  /** 1 on the days creator commissions are paid out. */
  payoutDays: Uint8Array;
  /** Money that leaves on a day whatever happens (commission owed from before day 0, paid on the first payout day). */
  extraOutflowMinor: Float64Array;
  /** 1 for the products the scenario is about; P(stockout) is theirs. */
  scope: Uint8Array;
}>;

export type KernelStreamTable = Readonly<{
  /** Demand lift by day and product (day-major, days × products). */
  lift: Float32Array;
  /** Share of each product-day's revenue paid to creators as commission. */
  commissionRate: Float32Array;
  /** 1 on days with any stream. */
  streamDays: Uint8Array;
}>;

export type CompetitorMoves = Readonly<{ rate: number; depthMin: number; depthMax: number; daysMin: number; daysMax: number }>;

export type KernelConstants = Readonly<{
  days: number;
  /** Demand multiplier of each simulated day (its weekday's). */
  season: Float64Array;
  adMax: number;
  adHalfMinor: number;
  dispersion: number;
  unitsPerOrder: number;
  turnoutSigma: number;
  competitor: CompetitorMoves;
  fraudRate: number;
  chargebackShare: number;
  /** Delays as uniform ranges of whole days [min, max]. */
  chargebackDelayDays: readonly [number, number];
  settlementDays: number;
  refundDelayDays: readonly [number, number];
  processorFeeBps: number;
  processorFeeFixedMinor: number;
  chargebackFeeMinor: number;
  fixedDailyCostMinor: number;
  safetyDays: number;
  coverDays: number;
  minOrderUnits: number;
  leadTimeJitterDays: number;
  cashMinor: number;
  /** Runway beyond this many days (or nothing paid out) is reported as this. */
  runwayCapDays: number;
}>;

export type KernelRequest = Readonly<{
  products: KernelProducts;
  scenarios: readonly KernelScenario[];
  streamTables: readonly KernelStreamTable[];
  constants: KernelConstants;
  /** Key of each model's random stream. */
  seeds: Readonly<Record<ModelName, number>>;
  /** Samples [start, start + count): sample k draws the same numbers in every request (common random numbers). */
  sampleStart: number;
  sampleCount: number;
}>;

/** Per scenario and sample, over the simulated days. */
export const kernelOutputNames = [
  'revenueMinor',
  'units',
  'cogsMinor',
  'refundsMinor',
  'fraudLossMinor',
  'commissionsMinor',
  'adSpendMinor',
  'reorderSpendMinor',
  /** Card processing and chargeback fees. */
  'feesMinor',
  /** Products that ran out (lost at least half a unit of demand). */
  'stockouts',
  /** The same, among the scenario's scope. */
  'scopeStockouts',
  'lostUnits',
  'endCashMinor',
  'minCashMinor',
  /** The shortest runway of the horizon: cash over the average daily outflow of the last 7 days (0 once cash is gone). */
  'runwayDays',
] as const;
export type KernelOutputName = (typeof kernelOutputNames)[number];

/** Each array holds scenarios one after another, `sampleCount` values each. */
export type KernelOutputs = Readonly<Record<KernelOutputName, Float64Array>>;

export type KernelResult = Readonly<{ outputs: KernelOutputs; backend: string }>;

export type ModelRunner = Readonly<{
  run(request: KernelRequest): Promise<KernelResult>;
  /** The TensorFlow.js backend the runner computes on (tensorflow, wasm or cpu). */
  backend(): Promise<string>;
}>;
