import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanWithHalfWidth, summarize } from '../../../engine/twin/index.js';

describe('summarize', () => {
  it('gives the mean, interpolated percentiles and the mean of the worst 5 % on the side that hurts', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(summarize(values, { worst: 'low', rounding: 'integer' })).toEqual({ mean: 51, p5: 6, p50: 51, p95: 95, cvar5: 3 });
    expect(summarize(values, { worst: 'high', rounding: 'integer' }).cvar5).toBe(98);
    expect(summarize([0.123456789], { worst: 'low', rounding: 'fraction' })).toEqual({ mean: 0.123457, p5: 0.123457, p50: 0.123457, p95: 0.123457, cvar5: 0.123457 });
  });

  it('keeps its figures in order for any sample', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }), (values) => {
        const low = summarize(values, { worst: 'low', rounding: 'fraction' });
        const high = summarize(values, { worst: 'high', rounding: 'fraction' });
        const min = Math.min(...values);
        const max = Math.max(...values);
        const slack = 1e-6;
        expect(low.p5).toBeLessThanOrEqual(low.p50 + slack);
        expect(low.p50).toBeLessThanOrEqual(low.p95 + slack);
        expect(low.cvar5).toBeLessThanOrEqual(low.p5 + slack);
        expect(high.cvar5).toBeGreaterThanOrEqual(high.p95 - slack);
        expect(low.mean).toBeGreaterThanOrEqual(min - slack);
        expect(low.mean).toBeLessThanOrEqual(max + slack);
      }),
    );
  });

  it('refuses an empty sample', () => {
    expect(() => summarize([], { worst: 'low', rounding: 'integer' })).toThrow(RangeError);
  });
});

describe('meanWithHalfWidth', () => {
  it('is the 95 % normal half-width of the mean', () => {
    const { mean, halfWidth } = meanWithHalfWidth([1, 2, 3, 4, 5]);
    expect(mean).toBe(3);
    expect(halfWidth).toBeCloseTo((1.96 * Math.sqrt(2.5)) / Math.sqrt(5), 12);
  });
});
