import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  audienceRange,
  categoryIds,
  categorySpecs,
  commissionRangeBps,
  generateCatalog,
  type Catalog,
} from '../../../engine/world/index.js';

const skuPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const handlePattern = /^[a-z0-9_.]{2,40}$/;

/** Every rule the database and the world rely on; returns the first one broken, if any. */
function brokenInvariant(catalog: Catalog): string | undefined {
  const skus = new Set(catalog.products.map((p) => p.sku));
  if (skus.size !== catalog.products.length) return 'skus are not unique';
  const handles = new Set(catalog.creators.map((c) => c.handle));
  if (handles.size !== catalog.creators.length) return 'handles are not unique';
  for (const p of catalog.products) {
    const spec = categorySpecs[p.category];
    if (!skuPattern.test(p.sku)) return `sku ${p.sku} has the wrong shape`;
    if (!Number.isSafeInteger(p.priceMinor) || p.priceMinor % 100 !== 99) return `${p.sku} price ${p.priceMinor} does not end in 99 cents`;
    if (p.priceMinor < spec.priceDollars[0] * 100 - 1 || p.priceMinor > spec.priceDollars[1] * 100 - 1) return `${p.sku} price out of range`;
    if (!Number.isSafeInteger(p.unitCostMinor) || p.unitCostMinor >= p.priceMinor) return `${p.sku} cost is not below price`;
    if (p.unitCostMinor * 100 < p.priceMinor * 25 || p.unitCostMinor * 100 > p.priceMinor * 65) return `${p.sku} cost is outside 25–65% of price`;
    if (!Number.isInteger(p.stock) || p.stock < 0) return `${p.sku} stock ${p.stock}`;
    if (p.leadTimeDays < 0 || p.leadTimeDays > 365) return `${p.sku} lead time ${p.leadTimeDays}`;
    if (p.name.length === 0 || p.name.length > 300) return `${p.sku} name length`;
    if (p.facts.highlights.length !== 2 || new Set(p.facts.highlights).size !== 2) return `${p.sku} highlights`;
  }
  for (const c of catalog.creators) {
    if (!handlePattern.test(c.handle)) return `handle ${c.handle} has the wrong shape`;
    if (c.audience < audienceRange.min || c.audience > audienceRange.max) return `${c.handle} audience ${c.audience}`;
    if (c.commissionBps < commissionRangeBps.min || c.commissionBps > commissionRangeBps.max) return `${c.handle} commission`;
    if (c.conversionBps <= 0 || c.conversionBps > 10_000) return `${c.handle} conversion`;
  }
  return undefined;
}

describe('generateCatalog', () => {
  it('gives the same catalog for the same seed and a different one for another', () => {
    expect(generateCatalog({ seed: 42 })).toEqual(generateCatalog({ seed: 42 }));
    expect(generateCatalog({ seed: 'lsn' })).toEqual(generateCatalog({ seed: 'lsn' }));
    expect(generateCatalog({ seed: 43 }).products).not.toEqual(generateCatalog({ seed: 42 }).products);
  });

  it('has 240 products and 36 creators by default, and the sizes asked for otherwise', () => {
    const standard = generateCatalog({ seed: 1 });
    expect(standard.products).toHaveLength(240);
    expect(standard.creators).toHaveLength(36);
    const small = generateCatalog({ seed: 1, products: 7, creators: 0 });
    expect(small.products).toHaveLength(7);
    expect(small.creators).toHaveLength(0);
  });

  it('keeps the creators when only the number of products changes', () => {
    expect(generateCatalog({ seed: 9, products: 10 }).creators).toEqual(generateCatalog({ seed: 9, products: 300 }).creators);
  });

  it('holds every invariant for the default shop', () => {
    expect(brokenInvariant(generateCatalog({ seed: 1 }))).toBeUndefined();
  });

  it('spreads products over the categories and audiences over three orders of magnitude', () => {
    const { products, creators } = generateCatalog({ seed: 7 });
    expect(new Set(products.map((p) => p.category))).toEqual(new Set(categoryIds));
    const audiences = creators.map((c) => c.audience);
    expect(Math.max(...audiences) / Math.min(...audiences)).toBeGreaterThan(100);
  });

  it('gives smaller creators a better conversion on average', () => {
    const { creators } = generateCatalog({ seed: 3, products: 0, creators: 400 });
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const small = creators.filter((c) => c.audience < 20_000).map((c) => c.conversionBps);
    const large = creators.filter((c) => c.audience > 200_000).map((c) => c.conversionBps);
    expect(mean(small)).toBeGreaterThan(mean(large));
  });

  it('makes handles unique even when names collide', () => {
    const { creators } = generateCatalog({ seed: 5, products: 0, creators: 2_000 });
    expect(new Set(creators.map((c) => c.handle)).size).toBe(2_000);
  });

  it('returns frozen values', () => {
    const catalog = generateCatalog({ seed: 1, products: 1, creators: 1 });
    expect(Object.isFrozen(catalog.products)).toBe(true);
    expect(Object.isFrozen(catalog.products[0]!.facts)).toBe(true);
  });

  it('rejects impossible sizes', () => {
    expect(() => generateCatalog({ seed: 1, products: -1 })).toThrow(/products/);
    expect(() => generateCatalog({ seed: 1, creators: 1.5 })).toThrow(/creators/);
  });

  it('holds its invariants for any seed and size', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string()),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 120 }),
        (seed, products, creators) => {
          const catalog = generateCatalog({ seed, products, creators });
          expect(catalog.products).toHaveLength(products);
          expect(catalog.creators).toHaveLength(creators);
          expect(brokenInvariant(catalog)).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });
});
