import { beforeAll, describe, expect, it } from 'vitest';
import { buildShopPlan, modelSeeds, noSales, priorParams, type KernelRequest, type ModelParams } from '../../../engine/twin/index.js';
import { selectBackend } from '../../../models/backend.js';
import { runMonteCarlo } from '../../../models/kernel/monte-carlo.js';
import { drawNoiseBlock } from '../../../models/noise/noise-block.js';
import { catalogShop } from '../../support/twin-shop.js';

/**
 * A shop whose answer is known in closed form: fixed demand (no streams, no ads, no
 * competitor cuts, overdispersion at its calmest, stock far above a week's demand), so expected
 * units are base · (price / ref)^ε · season, day by day. The kernel's Monte Carlo mean must
 * land within 0.5 % of it; only the Poisson draw of each day's units is left, and it
 * averages out over the samples.
 */
const days = 7;
const base = 40;
const season = [1.2, 0.9, 0.85, 0.95, 1, 1.05, 1.05];
const shop = catalogShop({ products: 20, creators: 4, days });
const state = { ...shop, streams: [], products: shop.products.map((p) => ({ ...p, stock: 100_000 })) };
const priors = priorParams(state, noSales);
const params: ModelParams = {
  ...priors,
  demand: { ...priors.demand, baseBySku: Object.fromEntries(state.products.map((p) => [p.sku, base])), season, adMax: 0, dispersion: 1000 },
  pricing: { ...priors.pricing, competitorCutRate: 0, defaultElasticity: -1.5 },
  creator: { ...priors.creator, liftPerReach: 0, houseLiftByCategory: {}, turnoutSigma: 0 },
};
const samples = 400;

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('a scenario with a closed-form answer', () => {
  it('matches it to 0.5 %: revenue, units and cost of goods for a 10 % price rise', () => {
    const plan = buildShopPlan(state, params, [{ priceChange: 10 }], days);
    const request: KernelRequest = { ...plan, seeds: modelSeeds(11), sampleStart: 0, sampleCount: samples };
    const outputs = runMonteCarlo(request, drawNoiseBlock(request));
    const mean = (values: Float64Array) => values.reduce((s, v) => s + v, 0) / values.length;

    const firstWeekday = new Date(`${state.startDate}T00:00:00Z`).getUTCDay();
    const seasonTotal = Array.from({ length: days }, (_, d) => season[(firstWeekday + d) % 7]!).reduce((s, v) => s + v, 0);
    let units = 0;
    let revenue = 0;
    let cogs = 0;
    state.products.forEach((product, p) => {
      const price = plan.scenarios[0]!.priceMinor[p]!;
      const perDay = base * (price / product.priceMinor) ** -1.5;
      units += perDay * seasonTotal;
      revenue += perDay * seasonTotal * price;
      cogs += perDay * seasonTotal * product.unitCostMinor;
    });
    expect(Math.abs(mean(outputs.units) / units - 1)).toBeLessThan(0.005);
    expect(Math.abs(mean(outputs.revenueMinor) / revenue - 1)).toBeLessThan(0.005);
    expect(Math.abs(mean(outputs.cogsMinor) / cogs - 1)).toBeLessThan(0.005);
    expect(mean(outputs.stockouts)).toBe(0);
    expect(Math.abs(mean(outputs.lostUnits))).toBeLessThan(0.01);
  });
});
