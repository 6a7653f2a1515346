import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildShopPlan, kernelOutputNames, modelSeeds, noSales, priorParams, type KernelOutputs, type KernelRequest, type ScenarioChanges } from '../../../engine/twin/index.js';
import { selectBackend } from '../../../models/backend.js';
import { runMonteCarlo } from '../../../models/kernel/monte-carlo.js';
import { drawNoiseBlock } from '../../../models/noise/noise-block.js';
import { runReferenceKernel } from '../../../models/reference/reference-kernel.js';
import { catalogShop } from '../../support/twin-shop.js';

/**
 * The tensor kernel against the plain loop that states the model, and the properties the
 * twin promises: same seed, same numbers; common random numbers across scenarios.
 */
const state = catalogShop({ products: 24, creators: 6, days: 10 });
const params = priorParams(state, noSales);

function request(changes: readonly ScenarioChanges[], options: { seed?: number; start?: number; count?: number; days?: number } = {}): KernelRequest {
  const plan = buildShopPlan(state, params, changes, options.days ?? 10);
  return { ...plan, seeds: modelSeeds(options.seed ?? 3), sampleStart: options.start ?? 0, sampleCount: options.count ?? 24 };
}
const run = (r: KernelRequest) => runMonteCarlo(r, drawNoiseBlock(r));
const column = (outputs: KernelOutputs, name: (typeof kernelOutputNames)[number], scenario: number, count: number) => Array.from(outputs[name].subarray(scenario * count, (scenario + 1) * count));

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * ((b[i] as number) - mb);
    aa += (x - ma) ** 2;
    bb += ((b[i] as number) - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('the Monte Carlo kernel', () => {
  const stream = state.streams[0]!;
  const scenarios: ScenarioChanges[] = [
    {},
    { priceChange: 12, adSpendChange: -30 },
    { creatorReassignments: [{ streamId: stream.id, creatorId: state.creators.find((c) => c.id !== stream.creatorId)!.id }], payoutFrequency: 'biweekly' },
  ];

  it('computes what the plain reference loop computes, path by path', () => {
    const r = request(scenarios);
    const tensor = run(r);
    const reference = runReferenceKernel(r);
    for (const name of kernelOutputNames) {
      const got = Array.from(tensor[name]);
      const want = Array.from(reference[name]);
      const off = got.filter((value, i) => Math.abs(value - (want[i] as number)) > 1e-4 * Math.max(1, Math.abs(want[i] as number)));
      // float32 against float64: a stock level a hair either side of a reorder point may flip one path's order.
      expect(off.length, name).toBeLessThanOrEqual(Math.ceil(got.length * 0.02));
    }
  });

  it('gives the same numbers for the same seed, and a sample the same numbers whatever else is in the request', () => {
    const whole = run(request(scenarios));
    expect(run(request(scenarios))).toEqual(whole);
    const part = run(request([scenarios[2]!], { start: 10, count: 7 }));
    for (const name of kernelOutputNames) expect(Array.from(part[name]), name).toEqual(column(whole, name, 2, 24).slice(10, 17));
    expect(run(request(scenarios, { seed: 4 })).revenueMinor).not.toEqual(whole.revenueMinor);
  });

  it('gives two scenarios with no change identical results', () => {
    const outputs = run(request([{}, {}]));
    for (const name of kernelOutputNames) expect(column(outputs, name, 1, 24), name).toEqual(column(outputs, name, 0, 24));
  });

  it('uses common random numbers: scenarios differ only by their change', () => {
    const outputs = run(request([{}, { payoutFrequency: 'daily' }, { priceChange: 3 }]));
    // Paying creators daily moves cash, nothing else: sales are identical sample by sample.
    for (const name of ['revenueMinor', 'units', 'stockouts', 'fraudLossMinor'] as const) expect(column(outputs, name, 1, 24), name).toEqual(column(outputs, name, 0, 24));
    expect(column(outputs, 'minCashMinor', 1, 24)).not.toEqual(column(outputs, 'minCashMinor', 0, 24));
    // A small price change moves every sample the same way; another seed is a different draw.
    expect(correlation(column(outputs, 'revenueMinor', 0, 24), column(outputs, 'revenueMinor', 2, 24))).toBeGreaterThan(0.95);
    const other = run(request([{}], { seed: 99 }));
    expect(Math.abs(correlation(column(outputs, 'revenueMinor', 0, 24), column(other, 'revenueMinor', 0, 24)))).toBeLessThan(0.6);
  });

  it('releases every tensor it makes', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i += 1) run(request(scenarios, { days: 5, count: 8 }));
    expect(tf.memory().numTensors).toBe(before);
  });
});
