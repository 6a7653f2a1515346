/**
 * Decision choose + update in process: LinUCB with 10 arms and 16 features, each decision
 * choosing an arm for a fresh context and learning its reward (Sherman–Morrison, no
 * inversion), against the same policy that keeps A and inverts it for every arm on every
 * call, in the same run. Targets: >= 300,000 decisions/s on one core, p99 <= 10 µs.
 */
import { choose, createBandit, update, workspaceFor } from '../engine/decisions/index.js';
import { seededRandom } from '../engine/kernel/index.js';
import { printReport } from './support/report.js';

const arms = 10;
const dimension = 16;
const decisions = Number(process.env.BENCH_DECISIONS ?? 300_000);
const baselineDecisions = Math.max(1_000, Math.floor(decisions / 20));

const contexts = seededRandom('decision-contexts');
const pool = Array.from({ length: 4_096 }, () => Float64Array.from({ length: dimension }, (_, i) => (i === 0 ? 1 : contexts.normal())));
const truth = Array.from({ length: arms }, () => Float64Array.from({ length: dimension }, () => contexts.normal() * 0.3));
const rewardOf = (arm: number, x: Float64Array) => truth[arm]!.reduce((sum, w, i) => sum + w * x[i]!, 0);

/** Throughput from an untimed pass, latency from a second pass timing each decision (the clock reads cost ~0.1 µs). */
function measureProduct(count: number): { perSecond: number; p50Us: number; p99Us: number } {
  const bandit = createBandit({ algorithm: 'linucb', arms: Array.from({ length: arms }, (_, i) => `arm${i}`), dimension, alpha: 1 });
  const random = seededRandom('decision-policy');
  const workspace = workspaceFor(dimension);
  const decide = (x: Float64Array) => {
    const choice = choose(bandit, x, random, workspace);
    update(bandit, choice.arm, x, rewardOf(choice.index, x), workspace);
  };
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) decide(pool[i & 4095]!);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const latencies = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    const before = process.hrtime.bigint();
    decide(pool[i & 4095]!);
    latencies[i] = Number(process.hrtime.bigint() - before) / 1_000;
  }
  latencies.sort();
  return { perSecond: count / seconds, p50Us: latencies[Math.floor(count * 0.5)]!, p99Us: latencies[Math.floor(count * 0.99)]! };
}

/** The textbook version: A = λI + Σxxᵀ per arm, inverted (Gauss–Jordan) for every arm on every call. */
function measureBaseline(count: number): number {
  const a = Array.from({ length: arms }, () => {
    const m = new Float64Array(dimension * dimension);
    for (let i = 0; i < dimension; i += 1) m[i * dimension + i] = 1;
    return m;
  });
  const b = Array.from({ length: arms }, () => new Float64Array(dimension));
  const inverse = new Float64Array(dimension * dimension);
  const work = new Float64Array(dimension * dimension);
  const started = process.hrtime.bigint();
  for (let n = 0; n < count; n += 1) {
    const x = pool[n & 4095]!;
    let best = 0;
    let bestScore = -Infinity;
    for (let arm = 0; arm < arms; arm += 1) {
      invert(a[arm]!, inverse, work);
      let mean = 0;
      let form = 0;
      for (let i = 0; i < dimension; i += 1) {
        let theta = 0;
        let row = 0;
        for (let j = 0; j < dimension; j += 1) {
          theta += inverse[i * dimension + j]! * b[arm]![j]!;
          row += inverse[i * dimension + j]! * x[j]!;
        }
        mean += theta * x[i]!;
        form += row * x[i]!;
      }
      const score = mean + Math.sqrt(Math.max(0, form));
      if (score > bestScore) {
        bestScore = score;
        best = arm;
      }
    }
    const reward = rewardOf(best, x);
    for (let i = 0; i < dimension; i += 1) {
      for (let j = 0; j < dimension; j += 1) a[best]![i * dimension + j]! += x[i]! * x[j]!;
      b[best]![i]! += reward * x[i]!;
    }
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

function invert(matrix: Float64Array, out: Float64Array, work: Float64Array): void {
  const d = dimension;
  work.set(matrix);
  out.fill(0);
  for (let i = 0; i < d; i += 1) out[i * d + i] = 1;
  for (let col = 0; col < d; col += 1) {
    const pivot = work[col * d + col]!;
    for (let k = 0; k < d; k += 1) {
      work[col * d + k]! /= pivot;
      out[col * d + k]! /= pivot;
    }
    for (let row = 0; row < d; row += 1) {
      if (row === col) continue;
      const factor = work[row * d + col]!;
      if (factor === 0) continue;
      for (let k = 0; k < d; k += 1) {
        work[row * d + k]! -= factor * work[col * d + k]!;
        out[row * d + k]! -= factor * out[col * d + k]!;
      }
    }
  }
}

// Warm both paths so neither pays for JIT in its measurement.
measureProduct(20_000);
measureBaseline(500);
const product = measureProduct(decisions);
const baseline = measureBaseline(baselineDecisions);

printReport({
  name: 'decision-bandit',
  metric: 'LinUCB decisions (choose + update) per second, 10 arms x 16 features, one core',
  value: product.perSecond,
  unit: 'decisions/s',
  baseline: 'the same LinUCB keeping A and inverting it (Gauss-Jordan) for every arm on every call',
  baselineValue: baseline,
  ratio: product.perSecond / baseline,
  target: '>= 300000 decisions/s, p99 <= 10 us',
  p50Us: Math.round(product.p50Us * 100) / 100,
  p99Us: Math.round(product.p99Us * 100) / 100,
  decisions,
});
