import { describe, expect, it } from 'vitest';
import { scenarioProblems, scenarioSchema } from '../../../engine/twin/index.js';
import { catalogShop, stableUuid } from '../../support/twin-shop.js';

const paths = (input: unknown) => {
  const parsed = scenarioSchema.safeParse(input);
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((issue) => [...issue.path, ...(issue.code === 'unrecognized_keys' ? issue.keys : [])].join('.')))];
};

describe('the scenario schema', () => {
  it('takes the contract’s shapes: percent changes over a number of days', () => {
    expect(scenarioSchema.parse({ changes: { priceChange: 15 }, duration: 7, description: 'Test 15% price increase' })).toEqual({
      changes: { priceChange: 15 },
      duration: 7,
      description: 'Test 15% price increase',
    });
    expect(scenarioSchema.parse({ duration: 30 })).toEqual({ changes: {}, duration: 30, description: '' });
  });

  it('names the field of each bad value: NaN, infinite, a price cut to nothing, a duration out of range, an unknown lever', () => {
    expect(paths({ changes: { priceChange: Number.NaN }, duration: 7 })).toEqual(['changes.priceChange']);
    expect(paths({ changes: { adSpendChange: Number.POSITIVE_INFINITY }, duration: 7 })).toEqual(['changes.adSpendChange']);
    expect(paths({ changes: { priceChange: -100 }, duration: 7 })).toEqual(['changes.priceChange']);
    expect(paths({ changes: { products: [{ sku: 'A-1', priceChange: -120 }] }, duration: 7 })).toEqual(['changes.products.0.priceChange']);
    expect(paths({ changes: {}, duration: 0 })).toEqual(['duration']);
    expect(paths({ changes: {}, duration: 366 })).toEqual(['duration']);
    expect(paths({ changes: {}, duration: 7.5 })).toEqual(['duration']);
    expect(paths({ changes: { discount: 10 }, duration: 7 })).toEqual(['changes.discount']);
    expect(paths({ changes: { products: [{ priceChange: 5 }] }, duration: 7 })).toEqual(['changes.products.0.productId']);
  });
});

describe('scenarioProblems', () => {
  const state = catalogShop({ products: 12, creators: 4 });
  const product = state.products[0]!;
  const stream = state.streams[0]!;
  const check = (changes: object, duration = 7) => scenarioProblems(scenarioSchema.parse({ changes, duration }), state).map((p) => `${p.path.join('.')}: ${p.message}`);

  it('accepts what exists in the shop', () => {
    expect(check({ products: [{ productId: product.id, priceChange: 5 }, { sku: state.products[1]!.sku, priceChange: -5 }] })).toEqual([]);
    expect(check({ creatorReassignments: [{ streamId: stream.id, creatorId: state.creators[1]!.id }] })).toEqual([]);
  });

  it('names products, streams, creators and days that do not fit', () => {
    const ghost = stableUuid('nothing');
    expect(check({ products: [{ productId: ghost, priceChange: 5 }] })).toEqual(['changes.products.0.productId: is not an active product of this org unit']);
    expect(check({ products: [{ sku: product.sku, priceChange: 5 }, { productId: product.id, priceChange: 1 }] })).toEqual([
      'changes.products.1.productId: names a product already changed above',
    ]);
    expect(check({ creatorReassignments: [{ streamId: ghost, creatorId: ghost }] })).toEqual([
      'changes.creatorReassignments.0.streamId: is not a stream scheduled within the simulated days',
      'changes.creatorReassignments.0.creatorId: is not an active creator of this org unit',
    ]);
    expect(check({ streams: { add: [{ creatorId: state.creators[0]!.id, day: 9, categories: ['nowhere'] }] } })).toEqual([
      'changes.streams.add.0.day: must fall within the 7 simulated days (0 to 6)',
      'changes.streams.add.0.categories.0: is not a category of any active product',
    ]);
  });
});
