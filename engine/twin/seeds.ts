import { modelNames, type ModelName } from './model-names.js';

/**
 * One random stream per model, each keyed from the simulation's seed and the model's name:
 * changing how one model draws never moves another model's numbers, and the same seed
 * gives the same draws in every run (common random numbers across scenarios and calls).
 */
export const defaultSeed = 1;
export const maxSeed = 2 ** 32 - 1;

/** A 32-bit hash of text (xmur3's mixing), for seed and noise keys. */
export function hash32(text: string): number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}

export function modelSeeds(seed: number): Readonly<Record<ModelName, number>> {
  return Object.freeze(Object.fromEntries(modelNames.map((model) => [model, hash32(`twin:${seed}:${model}`)])) as Record<ModelName, number>);
}
