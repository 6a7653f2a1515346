import { kernelOutputNames, type KernelOutputName, type KernelOutputs } from '../../engine/twin/index.js';

/** Zeroed output arrays for `length` paths. */
export function emptyOutputs(length: number): KernelOutputs {
  return Object.fromEntries(kernelOutputNames.map((name) => [name, new Float64Array(length)])) as Record<KernelOutputName, Float64Array>;
}
