/**
 * Pool scaling: the same sweep (2,000 scenarios × 30 days × 100 products, one path each)
 * on a pool of two workers against a pool of one, each warmed first. Target: ≥ 1.7.
 */
import { buildShopPlan, gridScenarios, modelSeeds, noSales, priorParams, type KernelRequest } from '../engine/twin/index.js';
import { createModelPool } from '../models/index.js';
import { catalogShop } from '../test/support/twin-shop.js';
import { printReport } from './support/report.js';
import { loadavg } from 'node:os';

const days = 30;
const state = catalogShop({ products: 100, creators: 20, days });
const params = priorParams(state, noSales);
const steps = Array.from({ length: 50 }, (_, i) => -25 + i);
const scenarios = gridScenarios({}, { priceChange: steps, adSpendChange: steps.slice(0, 40) });
const request: KernelRequest = { ...buildShopPlan(state, params, scenarios, days), seeds: modelSeeds(1), sampleStart: 0, sampleCount: 1 };
const productDays = scenarios.length * days * 100;

async function timeWith(threads: number): Promise<number> {
  const pool = createModelPool({ threads });
  try {
    await pool.warm({ ...request, scenarios: request.scenarios.slice(0, 8) });
    let fastest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now();
      await pool.run(request);
      fastest = Math.min(fastest, performance.now() - started);
    }
    return fastest;
  } finally {
    await pool.close();
  }
}

const oneMs = await timeWith(1);
const twoMs = await timeWith(2);
printReport({
  name: 'twin-pool-scaling',
  metric: `sweep of ${scenarios.length} scenarios × ${days} days × 100 products on 2 workers (best of 3)`,
  value: (productDays / twoMs) * 1000,
  unit: 'product-days/s',
  baseline: 'the same sweep on 1 worker',
  baselineValue: (productDays / oneMs) * 1000,
  ratio: oneMs / twoMs,
  twoWorkersMs: Math.round(twoMs),
  oneWorkerMs: Math.round(oneMs),
  // Other work on the machine moves these figures: the load is reported with them.
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  target: '≥ 1.7',
});
