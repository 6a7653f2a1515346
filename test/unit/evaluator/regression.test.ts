import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDetector,
  defaultDetectorParams,
  detectorKinds,
  observe,
  resetDetector,
  type DetectorKind,
  type DetectorState,
  type DetectorStep,
} from '../../../engine/evaluator/index.js';
import { seededRandom } from '../../../engine/kernel/index.js';

type Run = { alarms: number[]; state: DetectorState };

/** Feeds the values in order; returns the (0-based) indexes that raised an alarm. */
function feed(state: DetectorState, values: readonly number[]): Run {
  const alarms: number[] = [];
  let current = state;
  values.forEach((value, index) => {
    const step = observe(current, value);
    if (step.alarm) alarms.push(index);
    current = step.state;
  });
  return { alarms, state: current };
}

function noise(seed: number, count: number, mean: number, sigma: number, shape: 'gaussian' | 'uniform'): number[] {
  const random = seededRandom(`noise:${seed}`);
  // Uniform on ±√3σ has standard deviation σ.
  const draw = shape === 'gaussian' ? () => random.normal() : () => (random.next() * 2 - 1) * Math.sqrt(3);
  return Array.from({ length: count }, () => mean + sigma * draw());
}

const kind = fc.constantFrom(...detectorKinds);
const level = fc.double({ min: -10_000, max: 10_000, noNaN: true });
/** σ at least 2% of |mean|, so the detectors' 1% σ floor never hides the drop under test. */
const spread = (mean: number, relative: number) => Math.max(0.01, Math.abs(mean) * relative);

describe('regression detectors', () => {
  it('raise no alarm on stationary noise, whatever its level and scale', () => {
    fc.assert(
      fc.property(kind, fc.integer(), level, fc.double({ min: 0.0001, max: 3, noNaN: true }), fc.constantFrom('gaussian' as const, 'uniform' as const), (k, seed, mean, relative, shape) => {
        const params = defaultDetectorParams[k];
        const run = feed(createDetector(params), noise(seed, params.warmUp + 500, mean, spread(mean, relative), shape));
        expect(run.alarms).toEqual([]);
      }),
    );
  });

  it('raise one alarm within 60 observations of a drop of 2σ or more, and none before it', () => {
    fc.assert(
      fc.property(kind, fc.integer(), level, fc.double({ min: 0.02, max: 3, noNaN: true }), fc.double({ min: 2, max: 6, noNaN: true }), (k, seed, mean, relative, shift) => {
        const params = defaultDetectorParams[k];
        const sigma = spread(mean, relative);
        const before = params.warmUp + 50;
        const values = noise(seed, before + 60, mean, sigma, 'gaussian').map((value, index) => (index >= before ? value - shift * sigma : value));
        const run = feed(createDetector(params), values);
        expect(run.alarms).toHaveLength(1);
        expect(run.alarms[0]).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  it.each(detectorKinds)('%s: a 3σ drop is found within 15 observations (the median is 7)', (k) => {
    const params = defaultDetectorParams[k];
    const delays = Array.from({ length: 200 }, (_, seed) => {
      const before = params.warmUp + 100;
      const values = noise(seed, before + 200, 50, 5, 'gaussian').map((value, index) => (index >= before ? value - 15 : value));
      const [first] = feed(createDetector(params), values).alarms;
      return first === undefined ? Infinity : first - before + 1;
    }).sort((a, b) => a - b);
    expect(delays.at(-1)).toBeLessThanOrEqual(15);
    expect(delays[100]).toBeLessThanOrEqual(8);
  });

  it('never raise an alarm on a rise', () => {
    fc.assert(
      fc.property(kind, fc.integer(), fc.double({ min: 1, max: 50, noNaN: true }), (k, seed, shift) => {
        const params = defaultDetectorParams[k];
        const values = noise(seed, params.warmUp + 300, 10, 1, 'gaussian').map((value, index) => (index >= params.warmUp + 50 ? value + shift : value));
        expect(feed(createDetector(params), values).alarms).toEqual([]);
      }),
    );
  });

  it.each(detectorKinds)('%s: one wild outlier is not an alarm; a few in a row are', (k) => {
    const params = defaultDetectorParams[k];
    const warm = feed(createDetector(params), noise(7, params.warmUp + 20, 100, 2, 'gaussian')).state;
    expect(feed(warm, [-1e9, 100, 101, 99]).alarms).toEqual([]);
    expect(feed(warm, [-1e9, -1e9, -1e9, -1e9, -1e9]).alarms).toHaveLength(1);
  });

  it.each(detectorKinds)('%s: resets after an alarm and takes the new level as its baseline', (k) => {
    const params = defaultDetectorParams[k];
    const baseline = noise(3, params.warmUp + 50, 0.9, 0.05, 'gaussian');
    const lower = noise(4, 400, 0.6, 0.05, 'gaussian');
    let state = feed(createDetector(params), baseline).state;
    let alarm: DetectorStep | undefined;
    let index = 0;
    for (; index < lower.length && !alarm; index += 1) {
      const step = observe(state, lower[index]!);
      state = step.state;
      if (step.alarm) alarm = step;
    }
    expect(alarm?.alarm).toMatchObject({ kind: k, threshold: params.threshold });
    expect(alarm?.alarm?.baselineMean).toBeCloseTo(0.9, 1);
    // The mean since the drop probably began: near the new level (the estimated start may take in a point or two before it).
    expect(alarm?.alarm?.recentMean).toBeGreaterThan(0.55);
    expect(alarm?.alarm?.recentMean).toBeLessThan(0.75);
    expect(state).toMatchObject({ count: 0, cumulative: 0, alarms: 1, observations: baseline.length + index });
    expect(observe(state, 0.6).warmingUp).toBe(true);
    // The rest of the series stays at the new level: no second alarm.
    expect(feed(state, lower.slice(index)).alarms).toEqual([]);
  });

  it('carries on the same after its state goes through JSON, at any point', () => {
    fc.assert(
      fc.property(kind, fc.integer(), fc.nat({ max: 299 }), (k, seed, cut) => {
        const values = noise(seed, 300, 5, 1, 'gaussian').map((value, index) => (index > 150 ? value - 3 : value));
        const whole = feed(createDetector(defaultDetectorParams[k]), values);
        const first = feed(createDetector(defaultDetectorParams[k]), values.slice(0, cut));
        const revived = JSON.parse(JSON.stringify(first.state)) as DetectorState;
        const second = feed(revived, values.slice(cut));
        expect([...first.alarms, ...second.alarms.map((at) => at + cut)]).toEqual(whole.alarms);
        expect(second.state).toEqual(whole.state);
      }),
    );
  });

  it('alarms on a perfect record that starts failing, without dividing by zero', () => {
    const results = detectorKinds.map((k: DetectorKind) => {
      const params = defaultDetectorParams[k];
      const run = feed(createDetector(params), [...Array<number>(params.warmUp + 10).fill(1), ...Array<number>(10).fill(0)]);
      return run.alarms.map((at) => at - params.warmUp - 10);
    });
    // Clipped at 4σ, a failure adds at most 4 − δ = 3.5 towards λ = 15. Page-Hinkley learns
    // from the failures too (its σ grows, so later ones add less): the sixth raises it.
    // CUSUM's baseline stays put, less its guard band 3/√100: 3.2 a failure, the fifth raises it.
    expect(results).toEqual([[5], [4]]);
  });

  it('resetDetector goes back to warming up and keeps the lifetime counts', () => {
    const params = defaultDetectorParams.page_hinkley;
    const { state } = feed(createDetector(params), noise(1, params.warmUp + 5, 0, 1, 'gaussian'));
    expect(resetDetector(state)).toEqual({ ...createDetector(params), observations: params.warmUp + 5 });
  });

  it('refuses bad parameters and observations that are not finite numbers', () => {
    const params = defaultDetectorParams.cusum;
    expect(() => createDetector({ ...params, warmUp: 1 })).toThrow('warmUp must be a whole number ≥ 2');
    expect(() => createDetector({ ...params, threshold: 0, drift: -1 })).toThrow('drift must be a number ≥ 0; threshold must be a number > 0');
    expect(() => observe(createDetector(params), Number.NaN)).toThrow('an observation must be a finite number, got NaN');
    expect(() => observe(createDetector(params), Infinity)).toThrow(RangeError);
  });
});
