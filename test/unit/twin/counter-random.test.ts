import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gammaMultiplier } from '../../../models/noise/draws.js';
import { normalAt, uniformAt } from '../../../models/noise/counter-random.js';

describe('counter-based random numbers', () => {
  it('are a function of their coordinates: the same wherever and in whatever order they are drawn', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(1_000_000), fc.nat(), fc.nat(1_000_000), (stream, sample, key, counter) => {
        const u = uniformAt(stream, sample, key, counter);
        expect(u).toBeGreaterThan(0);
        expect(u).toBeLessThan(1);
        expect(uniformAt(stream, sample, key, counter)).toBe(u);
      }),
    );
  });

  it('look uniform and independent across neighbouring counters and samples', () => {
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    let lagProduct = 0;
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i += 1) {
      const u = uniformAt(7, i % 100, 3, Math.floor(i / 100));
      const next = uniformAt(7, i % 100, 3, Math.floor(i / 100) + 1);
      sum += u;
      squares += u * u;
      lagProduct += (u - 0.5) * (next - 0.5);
      bins[Math.floor(u * 10)] = (bins[Math.floor(u * 10)] ?? 0) + 1;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(squares / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    expect(Math.abs(lagProduct / n)).toBeLessThan(0.005);
    const chiSquare = bins.reduce((s, count) => s + (count - n / 10) ** 2 / (n / 10), 0);
    expect(chiSquare).toBeLessThan(27.9); // 99.9th percentile of χ² with 9 degrees of freedom
  });

  it('give standard normals and gamma multipliers with the right moments', () => {
    const n = 20_000;
    let mean = 0;
    let square = 0;
    let gammaMean = 0;
    let gammaSquare = 0;
    for (let i = 0; i < n; i += 1) {
      const z = normalAt(11, i, 5, 0);
      const g = gammaMultiplier(z, 10);
      mean += z / n;
      square += (z * z) / n;
      gammaMean += g / n;
      gammaSquare += (g * g) / n;
    }
    expect(mean).toBeCloseTo(0, 1);
    expect(square).toBeCloseTo(1, 1);
    expect(gammaMean).toBeCloseTo(1, 2);
    expect(gammaSquare - gammaMean ** 2).toBeCloseTo(0.1, 2); // Gamma(10, 1/10) has variance 1/10
  });
});
