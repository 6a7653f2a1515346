import { seededRandom, type Random } from '../kernel/index.js';
import type { Catalog } from './catalog.js';
import { categoryIds, type CategoryId } from './catalog-vocabulary.js';
import { uniform } from './draws.js';

/**
 * The world's true parameters: what the twin must learn from events and never reads.
 * Generated from the world seed over a catalog; tests and benchmarks read them as ground
 * truth (lint keeps engine/twin, engine/decisions, models/ and the server, except its
 * world runner, from importing this file). Units: money in minor units, rates as
 * fractions, delays in whole days.
 */
export type ProductTruth = Readonly<{
  sku: string;
  category: CategoryId;
  /** The catalog price that `baseUnitsPerDay` is quoted at. */
  refPriceMinor: number;
  /** Mean units per day at the reference price, before season, ads, streams and competitors. */
  baseUnitsPerDay: number;
  /** d ln(demand) / d ln(price); in about [-3.0, -0.6], centred on the category's value. */
  elasticity: number;
}>;

export type CreatorTruth = Readonly<{ handle: string; niche: CategoryId; audience: number; conversion: number; commissionBps: number }>;

export type Range = readonly [number, number];

export type WorldTruth = Readonly<{
  seed: string;
  /** Same order as the catalog's products. */
  products: readonly ProductTruth[];
  creators: readonly CreatorTruth[];
  /** Demand multiplier per UTC weekday, Sunday first; mean 1. */
  season: readonly number[];
  /** adLift = adMax · (1 − exp(−spend / adHalfMinor)). */
  adMax: number;
  adHalfMinor: number;
  /** streamLift = streamLiftPerViewer · audience · conversion, for the streamed category's products. */
  streamLiftPerViewer: number;
  competitor: Readonly<{ dailyProbability: number; factor: Range; durationDays: readonly [number, number] }>;
  /** Gamma shape r of the per product-day demand multiplier (negative binomial overdispersion). */
  dispersion: number;
  /** Probabilities of an order holding 1, 2, 3, … units. */
  unitsPerOrder: readonly number[];
  fraud: Readonly<{
    /** Share of all orders that are fraudulent. */
    orderShare: number;
    /** Share of fraudulent orders that come back as a chargeback. */
    chargebackProbability: number;
    chargebackDelayDays: readonly [number, number];
    /** Share of good orders disputed anyway ("friendly fraud"). */
    friendlyChargebackShare: number;
  }>;
  refunds: Readonly<{ rateByCategory: Readonly<Record<CategoryId, number>>; delayDays: readonly [number, number] }>;
  /** Card money reaches the shop this many days after the order. */
  settlementDays: number;
  processorFeeBps: number;
  processorFeeFixedMinor: number;
  chargebackFeeMinor: number;
  fixedDailyCostMinor: number;
  startingCashMinor: number;
}>;

/** Category centres of price elasticity: impulse and easily compared goods react most. */
const categoryElasticity: Readonly<Record<CategoryId, number>> = {
  beauty: -1.6,
  fashion: -2.0,
  home: -1.4,
  electronics_accessories: -2.4,
  fitness: -1.7,
  kitchen: -1.3,
  toys: -1.8,
  jewelry: -1.1,
  pet: -0.9,
  outdoor: -1.5,
};

/** Base refund rates: clothes come back most, consumables least. */
const categoryRefundRate: Readonly<Record<CategoryId, number>> = {
  beauty: 0.03,
  fashion: 0.07,
  home: 0.04,
  electronics_accessories: 0.05,
  fitness: 0.04,
  kitchen: 0.035,
  toys: 0.03,
  jewelry: 0.05,
  pet: 0.025,
  outdoor: 0.04,
};

export const elasticityRange: Range = [-3.0, -0.6];
/** Units per product per day at reference prices across the catalog (about 2,000 orders a day for 240 products). */
const unitsPerProductPerDay = 10;

export function generateTruth(catalog: Catalog, seed: number | string): WorldTruth {
  const random = seededRandom(`world:truth:${seed}`);
  const products = productTruths(random, catalog);
  const weekend = uniform(random, 1.15, 1.35);
  const raw = [weekend, 0.9, 0.88, 0.92, 0.97, 1.05, weekend * 1.04].map((m) => m * Math.exp(0.03 * random.normal()));
  const mean = raw.reduce((s, m) => s + m, 0) / raw.length;
  const refundRates = Object.fromEntries(
    categoryIds.map((id) => [id, clamp(categoryRefundRate[id] * Math.exp(0.15 * random.normal()), 0.02, 0.08)]),
  ) as Record<CategoryId, number>;
  return Object.freeze({
    seed: String(seed),
    products,
    creators: Object.freeze(
      catalog.creators.map((c) =>
        Object.freeze({ handle: c.handle, niche: c.niche, audience: c.audience, conversion: c.conversionBps / 10_000, commissionBps: c.commissionBps }),
      ),
    ),
    season: Object.freeze(raw.map((m) => m / mean)),
    adMax: uniform(random, 0.3, 0.6),
    adHalfMinor: Math.round(uniform(random, 150_000, 400_000)),
    streamLiftPerViewer: uniform(random, 3e-5, 8e-5),
    competitor: Object.freeze({ dailyProbability: uniform(random, 0.02, 0.04), factor: [0.7, 0.9] as const, durationDays: [2, 5] as const }),
    dispersion: uniform(random, 5, 20),
    unitsPerOrder: Object.freeze([0.8, 0.14, 0.06]),
    fraud: Object.freeze({
      orderShare: uniform(random, 0.015, 0.03),
      chargebackProbability: uniform(random, 0.85, 0.95),
      chargebackDelayDays: [3, 20] as const,
      friendlyChargebackShare: 0.002,
    }),
    refunds: Object.freeze({ rateByCategory: Object.freeze(refundRates), delayDays: [1, 14] as const }),
    settlementDays: 2,
    processorFeeBps: 290,
    processorFeeFixedMinor: 30,
    chargebackFeeMinor: 1_500,
    fixedDailyCostMinor: Math.round(uniform(random, 600_000, 1_000_000)),
    startingCashMinor: 120_000_000,
  });
}

function productTruths(random: Random, catalog: Catalog): readonly ProductTruth[] {
  // Cheaper products sell more units; each product has its own appeal on top.
  const appeal = catalog.products.map((p) => Math.exp(0.7 * random.normal()) * (p.priceMinor / 4_000) ** -0.5);
  const total = appeal.reduce((s, a) => s + a, 0);
  const scale = total > 0 ? (unitsPerProductPerDay * catalog.products.length) / total : 0;
  return Object.freeze(
    catalog.products.map((p, i) =>
      Object.freeze({
        sku: p.sku,
        category: p.category,
        refPriceMinor: p.priceMinor,
        baseUnitsPerDay: (appeal[i] ?? 0) * scale,
        elasticity: clamp(categoryElasticity[p.category] + 0.35 * random.normal(), elasticityRange[0], elasticityRange[1]),
      }),
    ),
  );
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
