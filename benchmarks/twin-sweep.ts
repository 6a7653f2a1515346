/**
 * A sweep of 10,000 scenarios × 30 days × 100 products (one Monte Carlo path each) through
 * the model worker pool (one worker per core, the six models, counter-based noise shared
 * by every scenario), against two baselines computed in the same run on one thread: a
 * straightforward TensorFlow.js loop drawing its noise with tf.randomNormal, and a plain
 * fused JavaScript loop. Both baselines compute demand and revenue only (a Poisson-normal
 * draw per product-day), a fraction of what the kernel does, so the ratios understate it.
 * Target: ≤ 0.5 s (≥ 60 million product-days/s), ≥ 4× each baseline.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildShopPlan, gridScenarios, modelSeeds, noSales, priorParams, type KernelRequest } from '../engine/twin/index.js';
import { selectBackend } from '../models/backend.js';
import { createModelPool } from '../models/index.js';
import { catalogShop } from '../test/support/twin-shop.js';
import { printReport } from './support/report.js';
import { loadavg } from 'node:os';

const days = 30;
const products = 100;
const state = catalogShop({ products, creators: 20, days });
const params = priorParams(state, noSales);
const steps = Array.from({ length: 100 }, (_, i) => -25 + i * 0.5);
const scenarios = gridScenarios({}, { priceChange: steps, adSpendChange: steps.map((s) => s * 2) });
const plan = buildShopPlan(state, params, scenarios, days);
const request: KernelRequest = { ...plan, seeds: modelSeeds(1), sampleStart: 0, sampleCount: 1 };
const productDays = scenarios.length * days * products;
const rounds = 3;

async function best(run: () => unknown): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

// The pool: warmed on a small request first (worker start and WebAssembly compilation are not the sweep's).
const pool = createModelPool();
await pool.warm({ ...request, scenarios: request.scenarios.slice(0, 8) });
const backend = await pool.backend();
const poolMs = await best(() => pool.run(request));
await pool.close();

// Baseline 1: tfjs on this thread, tf.randomNormal for every product-day.
await selectBackend('wasm');
const price = tf.tensor2d(Float32Array.from(scenarios.flatMap((_, s) => Array.from(plan.scenarios[s]!.priceMinor))), [scenarios.length, products]);
const base = tf.tensor1d(Float32Array.from(plan.products.baseDemand));
const ref = tf.tensor1d(Float32Array.from(plan.products.refPriceMinor));
const elasticity = tf.tensor1d(Float32Array.from(plan.products.elasticity));
const ads = tf.tensor1d(Float32Array.from(plan.scenarios.map((s) => s.adSpendMinor[0]!)));
const naiveTfjs = () =>
  tf.tidy(() => {
    const scale = tf.mul(tf.mul(base, tf.pow(tf.div(price, ref), elasticity)), tf.expandDims(tf.add(1, tf.mul(params.demand.adMax, tf.sub(1, tf.exp(tf.div(tf.neg(ads), params.demand.adHalfMinor))))), 1));
    let revenue = tf.zeros([scenarios.length]);
    for (let d = 0; d < days; d += 1) {
      const lambda = tf.mul(scale, plan.constants.season[d]!);
      const units = tf.relu(tf.add(lambda, tf.mul(tf.sqrt(lambda), tf.randomNormal([scenarios.length, products]))));
      revenue = tf.add(revenue, tf.sum(tf.mul(units, price), 1));
    }
    return revenue.dataSync();
  });
const tfjsMs = await best(naiveTfjs);
tf.dispose([price, base, ref, elasticity, ads]);

// Baseline 2: one fused JavaScript loop, a xorshift generator and Box–Muller normals.
function fusedLoop(): Float64Array {
  const revenue = new Float64Array(scenarios.length);
  let seed = 2463534242;
  const uniform = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) + 0.5) / 4294967296;
  };
  const { baseDemand, refPriceMinor, elasticity: e } = plan.products;
  for (let s = 0; s < scenarios.length; s += 1) {
    const scenario = plan.scenarios[s]!;
    const lift = 1 + params.demand.adMax * (1 - Math.exp(-scenario.adSpendMinor[0]! / params.demand.adHalfMinor));
    let total = 0;
    for (let p = 0; p < products; p += 1) {
      const unitPrice = scenario.priceMinor[p]!;
      const scale = baseDemand[p]! * (unitPrice / refPriceMinor[p]!) ** e[p]! * lift;
      for (let d = 0; d < days; d += 1) {
        const lambda = scale * plan.constants.season[d]!;
        const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
        total += Math.max(0, lambda + Math.sqrt(lambda) * normal) * unitPrice;
      }
    }
    revenue[s] = total;
  }
  return revenue;
}
const loopMs = await best(fusedLoop);

const perSecond = (ms: number) => (productDays / ms) * 1000;
printReport({
  name: 'twin-sweep',
  metric: `sweep of ${scenarios.length} scenarios × ${days} days × ${products} products through the model pool (best of ${rounds})`,
  value: perSecond(poolMs),
  unit: 'product-days/s',
  wallMs: Math.round(poolMs),
  threads: pool.threads,
  backend,
  baseline: 'tfjs with tf.randomNormal on one thread (demand and revenue only)',
  baselineValue: perSecond(tfjsMs),
  baselineMs: Math.round(tfjsMs),
  ratio: tfjsMs / poolMs,
  fusedLoopValue: perSecond(loopMs),
  fusedLoopMs: Math.round(loopMs),
  fusedLoopRatio: loopMs / poolMs,
  // Other work on the machine moves these figures: the load is reported with them.
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  target: '≤ 500 ms (≥ 60M product-days/s), ≥ 4× each baseline',
});
