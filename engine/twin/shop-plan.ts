import type { ModelParams } from './model-params.js';
import type { KernelConstants, KernelProducts, KernelRequest, KernelScenario, KernelStreamTable } from './model-runner.js';
import { payoutFrequencyDays, type ScenarioChanges } from './scenario.js';
import { hash32 } from './seeds.js';
import { weekdayOf, type ShopState, type TwinProduct, type TwinStream } from './shop-state.js';

/** Runway longer than this (or no burn at all) is reported as this many days. */
export const runwayCapDays = 3650;

/** The numeric form of a shop and its scenarios, minus the samples to draw. */
export type ShopPlan = Omit<KernelRequest, 'seeds' | 'sampleStart' | 'sampleCount'>;

/**
 * Turns the shop, the models' parameters and a list of scenarios (changes over the same
 * days) into the arrays the models run on. Pure: the same inputs give the same plan.
 * Scenarios that leave the stream schedule alone share one stream table.
 */
export function buildShopPlan(state: ShopState, params: ModelParams, scenarios: readonly ScenarioChanges[], days: number): ShopPlan {
  const categories = [...new Set(state.products.map((p) => p.category))].sort();
  const categoryIndex = new Map(categories.map((name, i) => [name, i]));
  const products = kernelProducts(state, params, categories, categoryIndex);
  const season = Float64Array.from({ length: days }, (_, d) => params.demand.season[(weekdayOf(state.startDate) + d) % 7] ?? 1);

  const tables: KernelStreamTable[] = [];
  const tableKeys = new Map<string, number>();
  const planned = scenarios.map((changes): KernelScenario => {
    const streams = scheduledStreams(state, changes, days);
    const key = JSON.stringify(streams);
    let table = tableKeys.get(key);
    if (table === undefined) {
      table = tables.length;
      tables.push(streamTable(state, params, streams, days, categoryIndex));
      tableKeys.set(key, table);
    }
    return kernelScenario(state, params, changes, days, table);
  });
  return { products, scenarios: planned, streamTables: tables, constants: kernelConstants(state, params, days, season) };
}

function kernelProducts(state: ShopState, params: ModelParams, categories: readonly string[], categoryIndex: ReadonlyMap<string, number>): KernelProducts {
  const { products } = state;
  const { demand, pricing, payout } = params;
  return {
    keys: Uint32Array.from(products, (p) => hash32(`product:${p.id}`)),
    category: Int32Array.from(products, (p) => categoryIndex.get(p.category) ?? 0),
    categoryKeys: Uint32Array.from(categories, (name) => hash32(`category:${name}`)),
    baseDemand: Float64Array.from(products, (p) => demand.baseBySku[p.sku] ?? demand.defaultBase),
    refPriceMinor: Float64Array.from(products, (p) => demand.refPriceBySku[p.sku] ?? p.priceMinor),
    elasticity: Float64Array.from(products, (p) => pricing.elasticityBySku[p.sku] ?? pricing.elasticityByCategory[p.category] ?? pricing.defaultElasticity),
    unitCostMinor: Float64Array.from(products, (p) => p.unitCostMinor),
    stock: Float64Array.from(products, (p) => p.stock),
    leadTimeDays: Float64Array.from(products, (p) => p.leadTimeDays),
    refundRate: Float64Array.from(products, (p) => payout.refundRateByCategory[p.category] ?? payout.defaultRefundRate),
  };
}

function kernelConstants(state: ShopState, params: ModelParams, days: number, season: Float64Array): KernelConstants {
  const { demand, pricing, creator, fraud, payout, inventory } = params;
  return {
    days,
    season,
    adMax: demand.adMax,
    adHalfMinor: demand.adHalfMinor,
    dispersion: demand.dispersion,
    unitsPerOrder: demand.unitsPerOrder,
    turnoutSigma: creator.turnoutSigma,
    competitor: {
      rate: pricing.competitorCutRate,
      depthMin: Math.min(pricing.cutDepthMin, pricing.cutDepthMax),
      depthMax: Math.max(pricing.cutDepthMin, pricing.cutDepthMax),
      daysMin: Math.min(pricing.cutDaysMin, pricing.cutDaysMax),
      daysMax: Math.max(pricing.cutDaysMin, pricing.cutDaysMax),
    },
    fraudRate: fraud.fraudRate,
    chargebackShare: fraud.chargebackShare,
    chargebackDelayDays: fraud.chargebackDelayDays,
    settlementDays: payout.settlementDays,
    refundDelayDays: payout.refundDelayDays,
    processorFeeBps: payout.processorFeeBps,
    processorFeeFixedMinor: payout.processorFeeFixedMinor,
    chargebackFeeMinor: payout.chargebackFeeMinor,
    fixedDailyCostMinor: payout.fixedDailyCostMinor,
    safetyDays: inventory.safetyDays,
    coverDays: inventory.coverDays,
    minOrderUnits: inventory.minOrderUnits,
    leadTimeJitterDays: inventory.leadTimeJitterDays,
    cashMinor: state.cashMinor ?? 0,
    runwayCapDays,
  };
}

/** The product's new price: integer minor units, never below one. */
export function changedPriceMinor(product: TwinProduct, percent: number): number {
  return Math.max(1, Math.round((product.priceMinor * (100 + percent)) / 100));
}

function priceChangeOf(changes: ScenarioChanges, product: TwinProduct): number | undefined {
  const own = changes.products?.find((c) => c.productId === product.id || c.sku === product.sku);
  return own?.priceChange ?? changes.priceChange;
}

function kernelScenario(state: ShopState, params: ModelParams, changes: ScenarioChanges, days: number, tableIndex: number): KernelScenario {
  const products = state.products;
  const spend = Math.round((state.adSpendDailyMinor * (100 + (changes.adSpendChange ?? 0))) / 100);
  const every = changes.payoutFrequency ? payoutFrequencyDays[changes.payoutFrequency] : params.payout.payoutEveryDays;
  // The next payout stays where the shop's schedule has it, unless a shorter period brings it forward.
  const first = Math.min(state.daysToNextPayout ?? every - 1, every - 1);
  const payoutDays = Uint8Array.from({ length: days }, (_, d) => (d >= first && (d - first) % every === 0 ? 1 : 0));
  const scoped = new Set(changes.products?.map((c) => c.productId ?? products.find((p) => p.sku === c.sku)?.id));
  const extraOutflowMinor = new Float64Array(days);
  if (first < days) extraOutflowMinor[first] = state.accruedCommissionsMinor;
  return {
    priceMinor: Float64Array.from(products, (p) => changedPriceMinor(p, priceChangeOf(changes, p) ?? 0)),
    adSpendMinor: new Float64Array(days).fill(spend),
    streamTable: tableIndex,
    payoutDays,
    extraOutflowMinor,
    scope: Uint8Array.from(products, (p) => (scoped.size === 0 || scoped.has(p.id) ? 1 : 0)),
  };
}

type PlannedStream = Readonly<{ creatorId: string; day: number; categories: readonly string[] }>;

/** The schedule within the simulated days after the scenario's cancellations, reassignments and additions. */
function scheduledStreams(state: ShopState, changes: ScenarioChanges, days: number): PlannedStream[] {
  const cancelled = new Set(changes.streams?.cancel ?? []);
  const reassigned = new Map((changes.creatorReassignments ?? []).map((r) => [r.streamId, r.creatorId]));
  const categoryOf = new Map(state.products.map((p) => [p.id, p.category]));
  const kept = state.streams
    .filter((s: TwinStream) => s.day < days && !cancelled.has(s.id))
    .map((s) => ({ creatorId: reassigned.get(s.id) ?? s.creatorId, day: s.day, categories: [...s.categories].sort() }));
  const added = (changes.streams?.add ?? []).map((s) => ({
    creatorId: s.creatorId,
    day: s.day,
    categories: [...new Set([...(s.categories ?? []), ...(s.productIds ?? []).map((id) => categoryOf.get(id) ?? '')])].filter(Boolean).sort(),
  }));
  return [...kept, ...added].filter((s) => s.day < days).sort((a, b) => a.day - b.day || a.creatorId.localeCompare(b.creatorId));
}

/**
 * Lift and commission by day and product. A stream lifts its categories' products that day
 * by liftPerReach · audience · conversion; a creator earns commission on the share of the
 * product-day's demand their stream brought (their lift over 1 + the day's total lift).
 * Creators' own streams add their category's house lift every day, at the creators'
 * average commission.
 */
function streamTable(state: ShopState, params: ModelParams, streams: readonly PlannedStream[], days: number, categoryIndex: ReadonlyMap<string, number>): KernelStreamTable {
  const count = state.products.length;
  const lift = new Float32Array(days * count);
  const commissionWeighted = new Float64Array(days * count);
  const streamDays = new Uint8Array(days);
  const creators = new Map(state.creators.map((c) => [c.id, c]));
  const productCategory = state.products.map((p) => categoryIndex.get(p.category) ?? -1);
  const averageCommission = state.creators.reduce((sum, c) => sum + c.commissionBps, 0) / Math.max(1, state.creators.length) / 10_000;
  state.products.forEach((product, p) => {
    const house = params.creator.houseLiftByCategory[product.category] ?? 0;
    if (house <= 0) return;
    for (let d = 0; d < days; d += 1) {
      lift[d * count + p] = house;
      commissionWeighted[d * count + p] = averageCommission * house;
      streamDays[d] = 1;
    }
  });
  for (const stream of streams) {
    const creator = creators.get(stream.creatorId);
    if (!creator) continue;
    const streamLift = params.creator.liftPerReach * creator.audience * (creator.conversionBps / 10_000);
    const featured = new Set(stream.categories.map((name) => categoryIndex.get(name) ?? -1));
    streamDays[stream.day] = 1;
    for (let p = 0; p < count; p += 1) {
      if (!featured.has(productCategory[p] ?? -1)) continue;
      const at = stream.day * count + p;
      lift[at] = (lift[at] as number) + streamLift;
      commissionWeighted[at] = (commissionWeighted[at] as number) + (creator.commissionBps / 10_000) * streamLift;
    }
  }
  const commissionRate = Float32Array.from(commissionWeighted, (weighted, at) => weighted / (1 + (lift[at] as number)));
  return { lift, commissionRate, streamDays };
}
