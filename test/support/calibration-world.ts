import { priorParams, noSales, type HistoryEvent, type ShopState } from '../../engine/twin/index.js';
import { generateCatalog, type Catalog } from '../../engine/world/index.js';
import { createWorld, dateStartMs, houseStreams, simulateDays, type DayLevers, type DayResult, type World, type WorldState } from '../../engine/world/simulation.js';
import { seededRandom } from '../../engine/kernel/index.js';
import { stableUuid } from './twin-shop.js';

/**
 * A world whose shop experiments with its prices, run in process: for its first
 * `experimentDays` days each product's price is redrawn daily, log-uniformly within
 * ±`priceSpread` of its catalog price (without price changes, elasticity cannot be told
 * apart from anything else); after that it sells at catalog prices. Ads stay off; the
 * creators run their own streams. For calibration quality tests.
 */
export type ExperimentingShop = Readonly<{ world: World; catalog: Catalog; days: readonly DayResult[]; events: readonly HistoryEvent[] }>;

export function priceOf(world: World, sku: string, catalogPrice: number, period: number, spread: number): number {
  const random = seededRandom(`price-experiment:${world.seed}:${sku}:${period}`);
  return Math.max(1, Math.round(catalogPrice * Math.exp(spread * (2 * random.next() - 1))));
}

export function experimentingLevers(world: World, options: { priceSpread: number; experimentDays: number }): (state: WorldState) => DayLevers {
  return (state) => {
    const experimenting = state.dayIndex < options.experimentDays;
    const pricesMinor = experimenting ? Object.fromEntries(world.catalog.products.map((p) => [p.sku, priceOf(world, p.sku, p.priceMinor, state.dayIndex, options.priceSpread)])) : {};
    return { pricesMinor, adSpendMinor: 0, streams: houseStreams(world.catalog, world.seed, state.date), payoutEveryDays: 7 };
  };
}

export function runExperimentingShop(options: { seed: string; products: number; creators: number; days: number; startDate: string; priceSpread: number; experimentDays: number }): ExperimentingShop {
  const catalog = generateCatalog({ seed: 1, products: options.products, creators: options.creators });
  const world = createWorld({ seed: options.seed, catalog });
  const { days } = simulateDays(world, { startDate: options.startDate, days: options.days, levers: experimentingLevers(world, options) });
  return { world, catalog, days, events: historyOf(days) };
}

export function historyOf(days: readonly DayResult[]): HistoryEvent[] {
  return days.flatMap((day) => day.events.map((e) => ({ type: e.type, occurredAtMs: Date.parse(e.occurredAt), payload: e.payload })));
}

/** The shop as the twin would read it on `date`: catalog prices as given, the world's stock, no scheduled streams. */
export function shopOn(world: World, date: string, options: { prices?: Readonly<Record<string, number>>; stock?: Readonly<Record<string, number>> } = {}): ShopState {
  const products = [...world.catalog.products]
    .sort((a, b) => a.sku.localeCompare(b.sku))
    .map((p) => ({
      id: stableUuid(`product:${p.sku}`),
      sku: p.sku,
      category: p.category,
      priceMinor: options.prices?.[p.sku] ?? p.priceMinor,
      unitCostMinor: p.unitCostMinor,
      stock: options.stock?.[p.sku] ?? p.stock,
      leadTimeDays: p.leadTimeDays,
    }));
  const creators = world.catalog.creators.map((c) => ({ id: stableUuid(`creator:${c.handle}`), handle: c.handle, audience: c.audience, conversionBps: c.conversionBps, commissionBps: c.commissionBps }));
  return { orgUnitId: 'lsn_main', currency: 'USD', startDate: date, products, creators, streams: [], adSpendDailyMinor: 0, cashMinor: null, daysToNextPayout: null, accruedCommissionsMinor: 0 };
}

export const windowFrom = (date: string, days: number) => ({ fromMs: dateStartMs(date), days });

export const priorsFor = (state: ShopState) => priorParams(state, noSales);
