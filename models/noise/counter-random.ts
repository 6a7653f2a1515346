/**
 * Counter-based random numbers: a draw is a hash of (stream, sample, key, counter), not the
 * next state of a generator. Any draw can be computed on its own, in any order, on any
 * thread, so a sample's numbers are the same however the work is split (common random
 * numbers across scenarios, batches and workers), and nothing is drawn that is not used.
 */

/** murmur3's 32-bit finaliser: every input bit moves about half the output bits. */
function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in (0, 1), never exactly 0 or 1. */
export function uniformAt(stream: number, sample: number, key: number, counter: number): number {
  let h = mix32(stream ^ Math.imul(sample + 1, 0x9e3779b1));
  h = mix32(h ^ key);
  h = mix32(h ^ Math.imul(counter + 1, 0x85ebca77));
  return (h + 0.5) / 4294967296;
}

/** Two independent standard normals (Box–Muller) from counters 2c and 2c + 1, written to `out`. */
export function normalPairAt(stream: number, sample: number, key: number, counter: number, out: Float64Array): void {
  const radius = Math.sqrt(-2 * Math.log(uniformAt(stream, sample, key, 2 * counter)));
  const angle = 2 * Math.PI * uniformAt(stream, sample, key, 2 * counter + 1);
  out[0] = radius * Math.cos(angle);
  out[1] = radius * Math.sin(angle);
}

/** One standard normal from counters 2c and 2c + 1. */
export function normalAt(stream: number, sample: number, key: number, counter: number): number {
  const radius = Math.sqrt(-2 * Math.log(uniformAt(stream, sample, key, 2 * counter)));
  return radius * Math.cos(2 * Math.PI * uniformAt(stream, sample, key, 2 * counter + 1));
}
