import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../engine/kernel/index.js';
import { backoffDelayMs, mayRetry } from '../../../engine/tools/index.js';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoff with full jitter', () => {
  it('stays within [0, min(max, base * 2^(attempt-1))] for every attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.string(), (attempt, seed) => {
        const delay = backoffDelayMs(policy, attempt, seededRandom(seed));
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** (attempt - 1)));
      }),
    );
  });

  it('spreads delays over the window rather than repeating one value', () => {
    const random = seededRandom('spread');
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(policy, 4, random)));
    expect(delays.size).toBeGreaterThan(30);
    expect(Math.max(...delays)).toBeGreaterThan(500);
  });

  it('is the same for the same seed (replayable)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([1, 2, 3].map((n) => backoffDelayMs(policy, n, a))).toEqual([1, 2, 3].map((n) => backoffDelayMs(policy, n, b)));
  });

  it('allows attempts up to maxAttempts in all, the first included', () => {
    expect([1, 2, 3, 4].map((n) => mayRetry(policy, n))).toEqual([true, true, true, false]);
  });
});
