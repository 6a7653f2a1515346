/** The value at fraction `p` of the sorted values (nearest rank, no interpolation); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Alternating rounds' medians: the machine's noise hits both sides of a comparison alike. */
export const median = (values: readonly number[]): number => percentile(values, 0.5);

/** Milliseconds each of `n` calls took, made one after another. */
export async function sequentialLatencies(n: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await call(i);
    latencies.push(performance.now() - started);
  }
  return latencies;
}
