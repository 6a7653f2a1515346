import os from 'node:os';

/** The one JSON line every benchmark prints: its figure and its ratio to a same-run baseline. */
export type BenchmarkReport = {
  name: string;
  metric: string;
  /** Null when the measured side is not there yet (the line then reports the baseline alone). */
  value: number | null;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number | null;
  target?: string;
  [extra: string]: unknown;
};

export function printReport(report: BenchmarkReport): void {
  const round = <T extends number | null>(n: T): T => (n === null ? n : (Math.round(n * 1000) / 1000) as T);
  const line = {
    ...report,
    value: round(report.value),
    baselineValue: round(report.baselineValue),
    ratio: round(report.ratio),
    node: process.version,
    cpus: os.cpus().length,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
