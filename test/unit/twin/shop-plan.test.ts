import { describe, expect, it } from 'vitest';
import { buildShopPlan, changedPriceMinor, noSales, priorParams } from '../../../engine/twin/index.js';
import { catalogShop } from '../../support/twin-shop.js';

const state = catalogShop({ products: 10, creators: 6, days: 14 });
const params = priorParams(state, noSales);

describe('buildShopPlan', () => {
  it('prices in whole minor units: a product’s own change replaces the global one', () => {
    const [a, b] = state.products;
    const plan = buildShopPlan(state, params, [{ priceChange: 10, products: [{ productId: b!.id, priceChange: -20 }] }], 7);
    const prices = plan.scenarios[0]!.priceMinor;
    expect(prices[0]).toBe(changedPriceMinor(a!, 10));
    expect(prices[1]).toBe(changedPriceMinor(b!, -20));
    expect(Array.from(prices).every(Number.isInteger)).toBe(true);
    expect(changedPriceMinor({ ...a!, priceMinor: 1999 }, 15)).toBe(2299);
    expect(plan.scenarios[0]!.scope.reduce((s, f) => s + f, 0)).toBe(1);
  });

  it('scales ad spend by the change, and pays creators on the shop’s schedule or the scenario’s', () => {
    const plan = buildShopPlan({ ...state, daysToNextPayout: 2 }, params, [{}, { adSpendChange: 50, payoutFrequency: 'daily' }], 10);
    const [current, changed] = plan.scenarios;
    expect(current!.adSpendMinor[0]).toBe(80_000);
    expect(changed!.adSpendMinor[0]).toBe(120_000);
    expect(Array.from(current!.payoutDays)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(changed!.payoutDays)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(current!.extraOutflowMinor[2]).toBe(state.accruedCommissionsMinor);
  });

  it('shares one stream table among scenarios that leave the schedule alone, and builds another for a reassignment', () => {
    const stream = state.streams[0]!;
    const other = state.creators.find((c) => c.id !== stream.creatorId)!;
    const plan = buildShopPlan(state, params, [{}, { priceChange: 5 }, { creatorReassignments: [{ streamId: stream.id, creatorId: other.id }] }], 7);
    expect(plan.scenarios.map((s) => s.streamTable)).toEqual([0, 0, 1]);
    expect(plan.streamTables).toHaveLength(2);
    const n = state.products.length;
    const lifted = (table: number) => Array.from(plan.streamTables[table]!.lift.subarray(stream.day * n, (stream.day + 1) * n));
    const reach = (c: { audience: number; conversionBps: number }) => params.creator.liftPerReach * c.audience * (c.conversionBps / 10_000);
    const featured = state.products.findIndex((p) => stream.categories.includes(p.category));
    if (featured >= 0) {
      const original = state.creators.find((c) => c.id === stream.creatorId)!;
      expect(lifted(0)[featured]).toBeCloseTo(reach(original), 6);
      expect(lifted(1)[featured]).toBeCloseTo(reach(other), 6);
    }
  });

  it('adds creators’ own streams every day when the creator model knows them', () => {
    const category = state.products[0]!.category;
    const plan = buildShopPlan(state, { ...params, creator: { ...params.creator, houseLiftByCategory: { [category]: 0.2 } } }, [{}], 5);
    const table = plan.streamTables[0]!;
    expect(Array.from(table.streamDays)).toEqual([1, 1, 1, 1, 1]);
    // Day 1 has no scheduled stream (the test shop streams on even days): only the house lift.
    const n = state.products.length;
    const other = state.products.findIndex((p) => p.category !== category);
    expect(table.lift[n]).toBeCloseTo(0.2, 6);
    if (other >= 0) expect(table.lift[n + other]).toBe(0);
  });
});
