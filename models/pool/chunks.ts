import { kernelOutputNames, type KernelOutputs, type KernelRequest } from '../../engine/twin/index.js';
import { emptyOutputs } from '../kernel/outputs.js';

/** A part of a request: some of its scenarios over some of its samples. */
export type Chunk = Readonly<{ scenarioStart: number; scenarioCount: number; sampleOffset: number; sampleCount: number }>;

/** Paths × products one worker takes at a time: big enough to amortise each op's overhead, small enough to stay in memory. */
const maxElements = 1_048_576;
/** Fewest samples worth sending to a worker of their own. */
const minSamplesPerChunk = 32;
/**
 * Fewest paths × products worth a part of their own: a run costs some milliseconds of
 * fixed work (about a thousand small tensor ops) whatever its size, so a part smaller than
 * this finishes sooner on one worker than split across two.
 */
const minElementsPerChunk = 65_536;

/**
 * Splits a request into up to `parallelism` parts (more when it is large, fewer or one when
 * it is small), by scenarios when there are enough of them, else by samples. Every path is computed on its own, so results
 * do not depend on how a request is split (test/integration/models checks it).
 */
export function chunksOf(request: KernelRequest, parallelism: number): Chunk[] {
  const scenarios = request.scenarios.length;
  const samples = request.sampleCount;
  const elements = scenarios * samples * request.products.keys.length;
  const wanted = Math.max(1, Math.min(parallelism, Math.floor(elements / minElementsPerChunk)), Math.ceil(elements / maxElements));
  if (scenarios >= wanted) return split(scenarios, wanted).map(([start, count]) => ({ scenarioStart: start, scenarioCount: count, sampleOffset: 0, sampleCount: samples }));
  const perScenario = Math.max(1, Math.min(Math.ceil(wanted / scenarios), Math.floor(samples / minSamplesPerChunk)));
  const chunks: Chunk[] = [];
  for (let scenario = 0; scenario < scenarios; scenario += 1) {
    for (const [offset, count] of split(samples, perScenario)) chunks.push({ scenarioStart: scenario, scenarioCount: 1, sampleOffset: offset, sampleCount: count });
  }
  return chunks;
}

export function chunkRequest(request: KernelRequest, chunk: Chunk): KernelRequest {
  return {
    ...request,
    scenarios: request.scenarios.slice(chunk.scenarioStart, chunk.scenarioStart + chunk.scenarioCount),
    sampleStart: request.sampleStart + chunk.sampleOffset,
    sampleCount: chunk.sampleCount,
  };
}

/** Puts the parts' outputs back in the request's order (scenario after scenario, samples in order). */
export function mergeOutputs(request: KernelRequest, parts: readonly { chunk: Chunk; outputs: KernelOutputs }[]): KernelOutputs {
  const samples = request.sampleCount;
  const merged = emptyOutputs(request.scenarios.length * samples);
  for (const { chunk, outputs } of parts) {
    for (let s = 0; s < chunk.scenarioCount; s += 1) {
      const from = s * chunk.sampleCount;
      const to = (chunk.scenarioStart + s) * samples + chunk.sampleOffset;
      for (const name of kernelOutputNames) merged[name].set(outputs[name].subarray(from, from + chunk.sampleCount), to);
    }
  }
  return merged;
}

/** `total` into `parts` contiguous [start, count] ranges as even as can be. */
function split(total: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  const n = Math.max(1, Math.min(parts, total));
  for (let i = 0; i < n; i += 1) {
    const start = Math.floor((i * total) / n);
    ranges.push([start, Math.floor(((i + 1) * total) / n) - start]);
  }
  return ranges;
}
