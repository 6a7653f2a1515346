import { describe, expect, it } from 'vitest';
import { buildShopPlan, gridScenarios, modelSeeds, noSales, priorParams, type KernelRequest } from '../../../engine/twin/index.js';
import { chunksOf, type Chunk } from '../../../models/pool/chunks.js';
import { catalogShop } from '../../support/twin-shop.js';

/** How a request is shared among the pool's workers. */
const state = catalogShop({ products: 100, creators: 10, days: 30 });
const params = priorParams(state, noSales);

function requestOf(scenarioCount: number, samples: number): KernelRequest {
  const scenarios = gridScenarios({}, { priceChange: Array.from({ length: scenarioCount }, (_, i) => i) });
  return { ...buildShopPlan(state, params, scenarios, 30), seeds: modelSeeds(1), sampleStart: 0, sampleCount: samples };
}

/** Every (scenario, sample) path a set of chunks covers, in order. */
const pathsOf = (chunks: readonly Chunk[]) =>
  chunks.flatMap((c) => Array.from({ length: c.scenarioCount * c.sampleCount }, (_, i) => `${c.scenarioStart + Math.floor(i / c.sampleCount)}:${c.sampleOffset + (i % c.sampleCount)}`));

describe('chunks of a request', () => {
  it('keeps a small request whole: one worker finishes it sooner than two', () => {
    expect(chunksOf(requestOf(1, 128), 2)).toEqual([{ scenarioStart: 0, scenarioCount: 1, sampleOffset: 0, sampleCount: 128 }]);
    expect(chunksOf(requestOf(3, 32), 2)).toHaveLength(1);
  });

  it('gives each worker a part of a large request, by scenarios when there are enough, else by samples', () => {
    expect(chunksOf(requestOf(2_000, 1), 2).map((c) => c.scenarioCount)).toEqual([1_000, 1_000]);
    expect(chunksOf(requestOf(1, 4_096), 2).map((c) => [c.sampleOffset, c.sampleCount])).toEqual([[0, 2_048], [2_048, 2_048]]);
  });

  it('covers every path exactly once, however it splits', () => {
    for (const [scenarios, samples] of [[1, 128], [3, 700], [5, 4_096], [2_500, 4], [10_000, 1]] as const) {
      const request = requestOf(scenarios, samples);
      const expected = Array.from({ length: scenarios * samples }, (_, i) => `${Math.floor(i / samples)}:${i % samples}`);
      expect(pathsOf(chunksOf(request, 2)).sort()).toEqual(expected.sort());
    }
  });
});
