import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armFromJson, armToJson, newLinearArm, observe, predict } from '../../../engine/decisions/linear-arm.js';

/** θ solving (λI + Σ x xᵀ) θ = Σ r x by Gaussian elimination: the textbook answer the incremental update must match. */
function ridgeSolution(observations: readonly { x: number[]; r: number }[], d: number, ridge: number): number[] {
  const a = Array.from({ length: d }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j ? ridge : 0)));
  for (const { x, r } of observations) {
    for (let i = 0; i < d; i += 1) {
      for (let j = 0; j < d; j += 1) a[i]![j]! += x[i]! * x[j]!;
      a[i]![d]! += r * x[i]!;
    }
  }
  for (let col = 0; col < d; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < d; row += 1) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = 0; row < d; row += 1) {
      if (row === col) continue;
      const factor = a[row]![col]! / a[col]![col]!;
      for (let k = col; k <= d; k += 1) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  return a.map((row, i) => row[d]! / row[i]!);
}

const observation = (d: number) => fc.record({ x: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: d, maxLength: d }), r: fc.double({ min: -5, max: 5, noNaN: true }) });

describe('a linear arm updated by Sherman–Morrison', () => {
  it('holds the same estimate as solving the ridge regression outright', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((d) => fc.tuple(fc.constant(d), fc.array(observation(d), { maxLength: 40 }))),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        ([d, observations], ridge) => {
          const arm = newLinearArm(d, ridge);
          for (const { x, r } of observations) observe(arm, Float64Array.from(x), r);
          const expected = ridgeSolution(observations, d, ridge);
          Array.from(arm.theta).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
          expect(arm.pulls).toBe(observations.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('survives a round trip through its stored form unchanged', () => {
    const arm = newLinearArm(3);
    observe(arm, Float64Array.from([1, 0.5, -0.25]), 2);
    observe(arm, Float64Array.from([1, -1, 0.75]), -1);
    const restored = armFromJson(JSON.parse(JSON.stringify(armToJson(arm))) as ReturnType<typeof armToJson>);
    const x = Float64Array.from([1, 0.2, 0.3]);
    expect(predict(restored, x)).toBe(predict(arm, x));
    expect(restored.pulls).toBe(2);
  });

  it('refuses a non-finite reward and a state that does not fit its dimension', () => {
    expect(() => observe(newLinearArm(2), Float64Array.from([1, 1]), Number.NaN)).toThrow(/finite/);
    expect(() => armFromJson({ dimension: 2, inverse: [1, 0, 0], b: [0, 0], theta: [0, 0], pulls: 0, rewardSum: 0 })).toThrow(/dimension 2/);
  });
});
