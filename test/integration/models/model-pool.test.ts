import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildShopPlan, defaultThresholds, fixedSamples, modelSeeds, noSales, priorParams, scenarioSchema, simulate, type KernelRequest } from '../../../engine/twin/index.js';
import { backendNames, createModelPool, WorkerExitedError, type ModelPool } from '../../../models/index.js';
import { catalogShop } from '../../support/twin-shop.js';

/** The worker pool as the server uses it: real threads, each with its own TensorFlow.js backend. */
const state = catalogShop({ products: 16, creators: 4, days: 7 });
const params = priorParams(state, noSales);
const request = (count: number, days = 7): KernelRequest => ({ ...buildShopPlan(state, params, [{}, { priceChange: 5 }], days), seeds: modelSeeds(1), sampleStart: 0, sampleCount: count });

let pool: ModelPool;
beforeAll(async () => {
  pool = createModelPool({ threads: 1 });
  await pool.warm(request(8));
});
afterAll(async () => {
  await pool.close();
});

describe('the model worker pool', () => {
  it('reports the backend each worker computes on', async () => {
    const backend = await pool.backend();
    expect(backendNames).toContain(backend);
    expect((await pool.probe()).backend).toBe(backend);
    expect((await pool.run(request(8))).backend).toBe(backend);
  });

  it('never runs the models on the caller’s event loop: other work goes on while a request computes', async () => {
    let done = false;
    const running = pool.run(request(256, 30)).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    await running;
    expect(done).toBe(true);
  });

  it('rejects every pending request when a worker dies, then serves new ones on a fresh worker', async () => {
    const pending = [pool.run(request(512, 30)), pool.run(request(64)), pool.probe()];
    const settled = Promise.allSettled(pending);
    await new Promise((resolve) => setImmediate(resolve));
    const [worker] = pool.workers();
    await worker!.terminate();
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WorkerExitedError);
    const again = await pool.run(request(8));
    expect(again.outputs.revenueMinor).toHaveLength(16);
  });

  it('keeps memory flat over 1,000 simulations: no tensor left behind, heap and noise cache bounded', async () => {
    const tiny = catalogShop({ products: 5, creators: 2, days: 3 });
    const tinyParams = priorParams(tiny, noSales);
    const scenario = scenarioSchema.parse({ changes: { priceChange: 5 }, duration: 3 });
    const once = () => simulate(pool, { state: tiny, params: tinyParams, scenario, seed: 1, thresholds: defaultThresholds, rule: fixedSamples(16) });
    for (let i = 0; i < 25; i += 1) await once();
    const before = await pool.probe();
    for (let i = 0; i < 1_000; i += 1) await once();
    const after = await pool.probe();
    expect(after.tensors).toBe(before.tensors);
    expect(after.tensorBytes).toBe(before.tensorBytes);
    expect(after.noiseCacheBytes).toBe(before.noiseCacheBytes);
    expect(after.heapUsedBytes - before.heapUsedBytes).toBeLessThan(4 * 1024 * 1024);
  }, 240_000);

  it('refuses a malformed request by name, without losing the worker', async () => {
    const bad = { ...request(8), sampleCount: 0 };
    await expect(pool.run(bad)).rejects.toThrow();
    expect((await pool.run(request(8))).outputs.units).toHaveLength(16);
  });
});
