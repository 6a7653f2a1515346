/** The value at fraction `p` of the sorted values (nearest rank, no interpolation); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Alternating rounds' medians: the machine's noise hits both sides of a comparison alike. */
export const median = (values: readonly number[]): number => percentile(values, 0.5);
