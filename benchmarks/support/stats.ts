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

/**
 * Latencies of `calls` sequential calls of each side, after 20 of each to warm up (JIT,
 * connections, caches), in alternating rounds, baseline first: the machine's noise hits both alike.
 */
export async function alternatingLatencies(
  options: { calls: number; rounds: number },
  ours: (i: number) => Promise<unknown>,
  baseline: (i: number) => Promise<unknown>,
): Promise<{ ours: number[]; baseline: number[] }> {
  await sequentialLatencies(20, ours);
  await sequentialLatencies(20, baseline);
  const measured = { ours: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < options.rounds; round += 1) {
    measured.baseline.push(...(await sequentialLatencies(options.calls / options.rounds, baseline)));
    measured.ours.push(...(await sequentialLatencies(options.calls / options.rounds, ours)));
  }
  return measured;
}
