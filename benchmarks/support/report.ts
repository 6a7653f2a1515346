import os from 'node:os';

/** The one JSON line every benchmark prints: its figure and its ratio to a same-run baseline. */
export type BenchmarkReport = {
  name: string;
  metric: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
  target?: string;
  [extra: string]: unknown;
};

export function printReport(report: BenchmarkReport): void {
  const round = (n: number) => Math.round(n * 1000) / 1000;
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
