/**
 * A distribution of simulated outcomes: mean, the 5th, 50th and 95th percentiles, and
 * CVaR5, the mean of the worst 5 % of outcomes. "Worst" is the low tail for what the shop
 * wants more of (revenue, margin, runway) and the high tail for what it wants less of
 * (fraud loss, stockouts); each metric says which.
 */
export type Distribution = Readonly<{ mean: number; p5: number; p50: number; p95: number; cvar5: number }>;
export type WorstTail = 'low' | 'high';

export type SummaryOptions = Readonly<{
  worst: WorstTail;
  /** Money and counts of whole things are reported as integers (minor units); fractions to 6 places. */
  rounding: 'integer' | 'fraction';
}>;

export function summarize(values: ArrayLike<number>, options: SummaryOptions): Distribution {
  const n = values.length;
  if (n === 0) throw new RangeError('a distribution needs at least one value');
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (let i = 0; i < n; i += 1) total += sorted[i] as number;
  const tail = Math.max(1, Math.ceil(n * 0.05));
  let worst = 0;
  for (let i = 0; i < tail; i += 1) worst += sorted[options.worst === 'low' ? i : n - 1 - i] as number;
  const round = options.rounding === 'integer' ? Math.round : (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    mean: round(total / n),
    p5: round(quantile(sorted, 0.05)),
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    cvar5: round(worst / tail),
  };
}

/** Linear interpolation between order statistics (type 7, the common default). */
export function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const low = sorted[below] as number;
  return low + ((sorted[above] as number) - low) * (position - below);
}

/** Mean and half-width of its 95 % confidence interval. */
export function meanWithHalfWidth(values: ArrayLike<number>): { mean: number; halfWidth: number } {
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i += 1) total += values[i] as number;
  const mean = total / n;
  let squares = 0;
  for (let i = 0; i < n; i += 1) squares += ((values[i] as number) - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : Number.POSITIVE_INFINITY;
  return { mean, halfWidth: (1.96 * sd) / Math.sqrt(n) };
}

/** Share of values for which `holds` is true. */
export function probability(values: ArrayLike<number>, holds: (value: number, index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < values.length; i += 1) if (holds(values[i] as number, i)) count += 1;
  return Math.round((count / values.length) * 1e6) / 1e6;
}
