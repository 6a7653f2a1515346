import { addDays } from './calendar.js';
import type { Catalog } from './catalog.js';
import type { CategoryId } from './catalog-vocabulary.js';
import type { WorldTruth } from './truth.js';

/** A world: its seed, the public catalog it sells, and the hidden truth it follows. */
export type World = Readonly<{ seed: string; catalog: Catalog; truth: WorldTruth }>;

/** A refund or chargeback decided when its order was placed, arriving on `due`. */
export type PendingClaim = Readonly<{ due: string; kind: 'refund' | 'chargeback'; orderId: string; amountMinor: number; reason: string }>;

/** Card money of one order, paid out by the processor on `settles`, less its fee. */
export type UnsettledCharge = Readonly<{ settles: string; orderId: string; amountMinor: number; feeMinor: number }>;

export type Reorder = Readonly<{ sku: string; quantity: number; arrives: string }>;

/**
 * Everything that carries from one day to the next. Plain data (JSON-safe), so a runner
 * can keep it, log it or restore it.
 */
export type WorldState = Readonly<{
  startDate: string;
  /** The next day to simulate and its index from the start (0-based). */
  date: string;
  dayIndex: number;
  stock: Readonly<Record<string, number>>;
  onOrder: readonly Reorder[];
  /** Recent units sold per day per SKU (on days not cut short by a stock-out); drives reorders. */
  salesAverage: Readonly<Record<string, number>>;
  competitorCuts: Readonly<Partial<Record<CategoryId, Readonly<{ factor: number; through: string }>>>>;
  claims: readonly PendingClaim[];
  unsettled: readonly UnsettledCharge[];
  cashMinor: number;
  /** Commission earned per creator since `periodStart`, paid out when the period ends. */
  creatorEarnings: Readonly<Record<string, number>>;
  periodStart: string;
  /** Cash paid out on each of the last seven days, for runway. */
  recentCostsMinor: readonly number[];
}>;

export function initialState(world: World, startDate: string): WorldState {
  const stock: Record<string, number> = {};
  const salesAverage: Record<string, number> = {};
  const onOrder: Reorder[] = [];
  world.catalog.products.forEach((p, i) => {
    stock[p.sku] = p.stock;
    // The shop's planners start from what the item typically sells.
    const average = world.truth.products[i]?.baseUnitsPerDay ?? 0;
    salesAverage[p.sku] = average;
    // A shop that has traded before has stock on its way for items running low; it lands
    // about when the shelf empties (paid for before the world's first day).
    if (p.stock < average * (p.leadTimeDays + 7)) {
      const daysLeft = Math.floor(p.stock / Math.max(average, 1e-9));
      onOrder.push({ sku: p.sku, quantity: Math.ceil(average * 28), arrives: addDays(startDate, Math.max(1, Math.min(p.leadTimeDays, daysLeft))) });
    }
  });
  return {
    startDate,
    date: startDate,
    dayIndex: 0,
    stock,
    onOrder,
    salesAverage,
    competitorCuts: {},
    claims: [],
    unsettled: [],
    cashMinor: world.truth.startingCashMinor,
    creatorEarnings: {},
    periodStart: startDate,
    recentCostsMinor: [],
  };
}
