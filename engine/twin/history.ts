import type { ShopState } from './shop-state.js';

/**
 * The recorded business events calibration learns from, as the shop posted them
 * (server/contracts/events.ts). Only the fields calibration reads are typed here.
 */
export type HistoryEvent = Readonly<{ type: string; occurredAtMs: number; payload: Readonly<Record<string, unknown>> }>;

export const historyEventTypes = ['order.placed', 'order.refunded', 'chargeback.received', 'stream.started', 'payout.due'] as const;

const dayMs = 86_400_000;

/** A window of whole UTC days [fromMs, fromMs + days · 1 day). */
export type DayWindow = Readonly<{ fromMs: number; days: number }>;

export const dayIndexOf = (window: DayWindow, ms: number): number => Math.floor((ms - window.fromMs) / dayMs);

/**
 * Demand history in the form the demand fit takes: units sold per product and day, the
 * log price ratio each sold at (against the shop's current price), and each category's
 * stream reach (audience · conversion of the streams that featured it) per day.
 * Product-major arrays (products × days). Charged-back orders are left out: fraudsters
 * order on top of demand, not as part of it.
 */
export type DemandHistory = Readonly<{
  skus: readonly string[];
  categories: readonly string[];
  categoryOf: Int32Array;
  days: number;
  /** UTC weekday of each day, Sunday 0. */
  weekday: Int32Array;
  units: Float64Array;
  revenueMinor: Float64Array;
  logPrice: Float64Array;
  /** categories × days. */
  reach: Float64Array;
  /** The shop's current price of each product: the reference the base demand is quoted at. */
  refPriceMinor: Float64Array;
}>;

/**
 * The price each product was on sale at on a day, when the shop keeps its price list's
 * history; without it a day with no sales carries the product's nearest known price, which
 * blurs the elasticity of products that often sell nothing (a dear day is the likeliest
 * to go unseen).
 */
export type PriceList = (sku: string, day: number) => number | undefined;

export function demandHistory(events: readonly HistoryEvent[], state: Pick<ShopState, 'products' | 'creators'>, window: DayWindow, priceList?: PriceList): DemandHistory {
  const { days } = window;
  const products = state.products;
  const skuIndex = new Map(products.map((p, i) => [p.sku, i]));
  const categories = [...new Set(products.map((p) => p.category))].sort();
  const categoryIndex = new Map(categories.map((c, i) => [c, i]));
  const categoryOf = Int32Array.from(products, (p) => categoryIndex.get(p.category) ?? 0);
  const charged = new Set(events.filter((e) => e.type === 'chargeback.received').map((e) => String(e.payload.orderId)));

  const units = new Float64Array(products.length * days);
  const revenueMinor = new Float64Array(products.length * days);
  // A stream's featured category is the one its orders bought most (the event does not say).
  const streamDay = new Map<string, { day: number; handle: string }>();
  const streamCategoryVotes = new Map<string, Map<number, number>>();
  for (const event of events) {
    const day = dayIndexOf(window, event.occurredAtMs);
    if (day < 0 || day >= days) continue;
    if (event.type === 'stream.started') {
      streamDay.set(String(event.payload.streamId), { day, handle: String(event.payload.creatorHandle) });
      continue;
    }
    if (event.type !== 'order.placed' || charged.has(String(event.payload.orderId))) continue;
    const p = skuIndex.get(String(event.payload.sku));
    if (p === undefined) continue;
    const quantity = Number(event.payload.quantity);
    const price = Number(event.payload.unitPriceMinor);
    if (!(quantity > 0) || !(price > 0)) continue;
    units[p * days + day] = (units[p * days + day] as number) + quantity;
    revenueMinor[p * days + day] = (revenueMinor[p * days + day] as number) + quantity * price;
    const streamId = event.payload.streamId;
    if (typeof streamId === 'string') {
      const votes = streamCategoryVotes.get(streamId) ?? new Map<number, number>();
      const c = categoryOf[p] as number;
      votes.set(c, (votes.get(c) ?? 0) + 1);
      streamCategoryVotes.set(streamId, votes);
    }
  }

  const refPriceMinor = Float64Array.from(products, (p) => p.priceMinor);
  const logPrice = new Float64Array(products.length * days);
  for (let p = 0; p < products.length; p += 1) {
    const sku = products[p]?.sku ?? '';
    const sold = (d: number) => ((units[p * days + d] as number) > 0 ? (revenueMinor[p * days + d] as number) / (units[p * days + d] as number) : Number.NaN);
    const observed = Array.from({ length: days }, (_, d) => priceList?.(sku, d) ?? sold(d));
    const filled = fillGaps(observed, refPriceMinor[p] as number);
    for (let d = 0; d < days; d += 1) logPrice[p * days + d] = Math.log((filled[d] as number) / (refPriceMinor[p] as number));
  }

  const reachOf = new Map(state.creators.map((c) => [c.handle, c.audience * (c.conversionBps / 10_000)]));
  const reach = new Float64Array(categories.length * days);
  for (const [streamId, { day, handle }] of streamDay) {
    const votes = streamCategoryVotes.get(streamId);
    if (!votes) continue;
    const [category] = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [];
    if (category === undefined) continue;
    reach[category * days + day] = (reach[category * days + day] as number) + (reachOf.get(handle) ?? 0);
  }
  const weekday = Int32Array.from({ length: days }, (_, d) => new Date(window.fromMs + d * dayMs).getUTCDay());
  return { skus: products.map((p) => p.sku), categories, categoryOf, days, weekday, units, revenueMinor, logPrice, reach, refPriceMinor };
}

/** Days a product sold nothing carry its nearest earlier price (else the next one, else its current price). */
function fillGaps(prices: readonly number[], fallback: number): number[] {
  const filled = [...prices];
  let last = Number.NaN;
  for (let d = 0; d < filled.length; d += 1) {
    if (Number.isNaN(filled[d])) filled[d] = last;
    else last = filled[d] as number;
  }
  let next = fallback;
  for (let d = filled.length - 1; d >= 0; d -= 1) {
    if (Number.isNaN(filled[d])) filled[d] = next;
    else next = filled[d] as number;
  }
  return filled;
}

/** The days [from, from + count) of a history, as a history of its own (a training or hold-out part). */
export function historyDays(history: DemandHistory, from: number, count: number): DemandHistory {
  const P = history.skus.length;
  const C = history.categories.length;
  const slice = (values: Float64Array, rows: number) => {
    const out = new Float64Array(rows * count);
    for (let r = 0; r < rows; r += 1) out.set(values.subarray(r * history.days + from, r * history.days + from + count), r * count);
    return out;
  };
  return {
    ...history,
    days: count,
    weekday: history.weekday.slice(from, from + count),
    units: slice(history.units, P),
    revenueMinor: slice(history.revenueMinor, P),
    logPrice: slice(history.logPrice, P),
    reach: slice(history.reach, C),
  };
}
