import { seededRandom, type Random } from '../kernel/index.js';
import {
  categoryIds,
  categorySpecs,
  creatorFirstNames,
  creatorLastNames,
  type CategoryId,
  type CategorySpec,
} from './catalog-vocabulary.js';

/**
 * The simulated shop's catalog and creator roster. Pure and seeded: the same seed gives
 * the same catalog, so a world, a replay and a test all see one shop. Money is integer
 * minor units (cents).
 */
export type ProductFacts = Readonly<{
  brand: string;
  /** Main material or key ingredient. */
  material: string;
  color: string;
  size: string;
  origin: string;
  highlights: readonly string[];
}>;

export type CatalogProduct = Readonly<{
  sku: string;
  name: string;
  category: CategoryId;
  priceMinor: number;
  unitCostMinor: number;
  stock: number;
  leadTimeDays: number;
  facts: ProductFacts;
}>;

export type CatalogCreator = Readonly<{
  handle: string;
  displayName: string;
  /** The category the creator's audience buys most; the world uses it, the database does not store it. */
  niche: CategoryId;
  audience: number;
  conversionBps: number;
  commissionBps: number;
}>;

export type Catalog = Readonly<{
  currency: 'USD';
  products: readonly CatalogProduct[];
  creators: readonly CatalogCreator[];
}>;

export type CatalogOptions = {
  seed: number | string;
  products?: number;
  creators?: number;
};

export const audienceRange = { min: 1_000, max: 2_000_000 } as const;
export const commissionRangeBps = { min: 500, max: 2_500 } as const;
export const conversionRangeBps = { min: 20, max: 1_500 } as const;
/** Share of products that start sold out, so the world has stock-outs to handle from day one. */
const soldOutShare = 0.03;
const maxCount = 100_000;

export function generateCatalog(options: CatalogOptions): Catalog {
  const productCount = checkCount('products', options.products ?? 240);
  const creatorCount = checkCount('creators', options.creators ?? 36);
  // Separate streams, so changing the number of products leaves the creators unchanged.
  const productRandom = seededRandom(`catalog:products:${options.seed}`);
  const creatorRandom = seededRandom(`catalog:creators:${options.seed}`);
  return Object.freeze({
    currency: 'USD',
    products: Object.freeze(generateProducts(productRandom, productCount)),
    creators: Object.freeze(generateCreators(creatorRandom, creatorCount)),
  });
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > maxCount) {
    throw new RangeError(`${name} must be a whole number between 0 and ${maxCount}, got ${value}`);
  }
  return value;
}

function generateProducts(random: Random, count: number): CatalogProduct[] {
  const serials = new Map<CategoryId, number>();
  const products: CatalogProduct[] = [];
  for (let i = 0; i < count; i += 1) {
    const category = pickWeighted(random, categoryIds, (id) => categorySpecs[id].weight);
    const serial = (serials.get(category) ?? 1000) + 1;
    serials.set(category, serial);
    products.push(generateProduct(random, category, serial));
  }
  return products;
}

function generateProduct(random: Random, category: CategoryId, serial: number): CatalogProduct {
  const spec = categorySpecs[category];
  const kind = random.pick(spec.kinds);
  const brand = random.pick(spec.brands);
  const color = random.pick(spec.colors);
  const priceMinor = priceEndingIn99(random, spec);
  return Object.freeze({
    sku: `${spec.skuPrefix}-${serial}`,
    name: `${brand} ${random.pick(kind.adjectives)} ${kind.noun} — ${color}`,
    category,
    priceMinor,
    unitCostMinor: unitCost(random, spec, priceMinor),
    stock: random.next() < soldOutShare ? 0 : random.int(spec.stock[0], spec.stock[1]),
    leadTimeDays: random.int(spec.leadTimeDays[0], spec.leadTimeDays[1]),
    facts: Object.freeze({
      brand,
      material: random.pick(kind.materials),
      color,
      size: random.pick(kind.sizes),
      origin: random.pick(spec.origins),
      highlights: Object.freeze(pickDistinct(random, spec.highlights, 2)),
    }),
  });
}

/** Log-uniform in the category's dollar range, so cheap items are as common as in real shops. */
function priceEndingIn99(random: Random, spec: CategorySpec): number {
  const dollars = Math.round(logUniform(random, spec.priceDollars[0], spec.priceDollars[1]));
  return dollars * 100 - 1;
}

/** An integer number of cents inside the category's cost band, computed without float rounding at the edges. */
function unitCost(random: Random, spec: CategorySpec, priceMinor: number): number {
  const lowest = Math.ceil((priceMinor * spec.costPercent[0]) / 100);
  const highest = Math.floor((priceMinor * spec.costPercent[1]) / 100);
  return random.int(lowest, highest);
}

function generateCreators(random: Random, count: number): CatalogCreator[] {
  const taken = new Set<string>();
  const creators: CatalogCreator[] = [];
  for (let i = 0; i < count; i += 1) {
    const first = random.pick(creatorFirstNames);
    const last = random.pick(creatorLastNames);
    const niche = pickWeighted(random, categoryIds, (id) => categorySpecs[id].weight);
    const handle = uniqueHandle(taken, handleFor(random, first, last, random.pick(categorySpecs[niche].handleWords)));
    const audienceShare = random.next();
    creators.push(
      Object.freeze({
        handle,
        displayName: `${first} ${last}`,
        niche,
        audience: audienceFor(audienceShare),
        conversionBps: conversionFor(random, audienceShare),
        commissionBps: commissionFor(random, audienceShare),
      }),
    );
  }
  return creators;
}

function handleFor(random: Random, first: string, last: string, word: string): string {
  const f = asciiLower(first);
  const l = asciiLower(last);
  const shapes = [`${f}.${word}`, `${f}${l}`, `${f}_${word}`, `${word}with${f}`, `${f}.${l}`, `${f}${l[0] ?? ''}.${word}`];
  return random.pick(shapes);
}

function uniqueHandle(taken: Set<string>, wanted: string): string {
  let handle = wanted;
  for (let n = 2; taken.has(handle); n += 1) handle = `${wanted}${n}`;
  taken.add(handle);
  return handle;
}

function asciiLower(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

/** Log-uniform between 1k and 2M followers: a few stars, a long tail of small creators. */
function audienceFor(share: number): number {
  const value = Math.round(audienceRange.min * (audienceRange.max / audienceRange.min) ** share);
  return clamp(value, audienceRange.min, audienceRange.max);
}

/** Small audiences trust their creator more, so they convert better (about 3% at 1k, 1% at 2M). */
function conversionFor(random: Random, audienceShare: number): number {
  const median = 300 * (audienceRange.max / audienceRange.min) ** (-0.15 * audienceShare);
  return clamp(Math.round(median * Math.exp(0.35 * random.normal())), conversionRangeBps.min, conversionRangeBps.max);
}

/** Bigger creators negotiate higher commission; quoted in steps of 0.5%. */
function commissionFor(random: Random, audienceShare: number): number {
  const raw = 800 + 1_400 * audienceShare + 250 * random.normal();
  return clamp(Math.round(raw / 50) * 50, commissionRangeBps.min, commissionRangeBps.max);
}

function logUniform(random: Random, min: number, max: number): number {
  return min * (max / min) ** random.next();
}

function pickWeighted<T>(random: Random, items: readonly T[], weightOf: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let remaining = random.next() * total;
  for (const item of items) {
    remaining -= weightOf(item);
    if (remaining < 0) return item;
  }
  return random.pick(items);
}

function pickDistinct<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    const [item] = pool.splice(random.int(0, pool.length - 1), 1);
    if (item !== undefined) picked.push(item);
  }
  return picked;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
