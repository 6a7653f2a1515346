import type { KernelRequest } from '../../engine/twin/index.js';
import { drawNoiseBlock, noiseBlockBytes, type NoiseBlock } from './noise-block.js';

/**
 * Noise blocks kept by what they were drawn from, least recently used first out once over
 * the byte budget. Drawing is the costly part of a small simulation, and the same seed over
 * the same shop draws the same block, so repeated what-ifs mostly hit.
 */
export type NoiseCache = Readonly<{
  blockFor(request: KernelRequest): NoiseBlock;
  bytes(): number;
}>;

export function createNoiseCache(budgetBytes: number): NoiseCache {
  const blocks = new Map<string, NoiseBlock>();
  let bytes = 0;
  return {
    blockFor(request) {
      const key = noiseKey(request);
      const hit = blocks.get(key);
      if (hit) {
        blocks.delete(key);
        blocks.set(key, hit);
        return hit;
      }
      const block = drawNoiseBlock(request);
      const size = noiseBlockBytes(block);
      if (size > budgetBytes) return block;
      blocks.set(key, block);
      bytes += size;
      for (const [oldest, old] of blocks) {
        if (bytes <= budgetBytes) break;
        blocks.delete(oldest);
        bytes -= noiseBlockBytes(old);
      }
      return block;
    },
    bytes: () => bytes,
  };
}

/** Everything a block depends on: seeds, products and categories, the draws' parameters, days and samples. */
function noiseKey(request: KernelRequest): string {
  const { products, constants, seeds } = request;
  return JSON.stringify([
    seeds,
    digest(products.keys),
    digest(products.category),
    digest(products.categoryKeys),
    constants.days,
    constants.dispersion,
    constants.turnoutSigma,
    constants.competitor,
    constants.leadTimeJitterDays,
    request.sampleStart,
    request.sampleCount,
  ]);
}

/** FNV-1a over 32-bit words: identifies an array of keys in the cache key. */
function digest(values: Uint32Array | Int32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i += 1) h = Math.imul(h ^ ((values[i] as number) >>> 0), 16777619);
  return `${values.length}:${(h >>> 0).toString(16)}`;
}
