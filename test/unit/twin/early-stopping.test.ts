import { describe, expect, it } from 'vitest';
import { fixedSamples, stoppingDecision } from '../../../engine/twin/index.js';

const rule = { tolerance: 0.01, minSamples: 4, batchSamples: 4, maxSamples: 12 };
/** n values around `mean` spread by ±`spread`. */
const around = (mean: number, spread: number, n: number) => Array.from({ length: n }, (_, i) => mean + (i % 2 === 0 ? spread : -spread));

describe('stoppingDecision', () => {
  it('stops once the half-width of mean revenue is within the tolerance, and says it stopped early', () => {
    const decision = stoppingDecision(rule, around(1_000_000, 1_000, 4));
    expect(decision.stop).toBe(true);
    expect(decision.report).toMatchObject({ metric: 'revenue', samples: 4, stoppedEarly: true, tolerance: 0.01 });
    expect(decision.report.relativeHalfWidth).toBeLessThanOrEqual(0.01);
  });

  it('asks for another batch while the estimate is too loose', () => {
    const decision = stoppingDecision(rule, around(1_000_000, 200_000, 4));
    expect(decision.stop).toBe(false);
    expect(decision.nextBatch).toBe(4);
    expect(decision.report.relativeHalfWidth).toBeGreaterThan(0.01);
  });

  it('never runs past maxSamples, and then did not stop early', () => {
    const decision = stoppingDecision(rule, around(1_000_000, 200_000, 12));
    expect(decision.stop).toBe(true);
    expect(decision.report.stoppedEarly).toBe(false);
  });

  it('does not stop before minSamples even when the first samples agree', () => {
    expect(stoppingDecision({ ...rule, minSamples: 8 }, around(5, 0, 4)).stop).toBe(false);
  });

  it('with a fixed count runs exactly one batch', () => {
    const fixed = fixedSamples(16);
    const decision = stoppingDecision(fixed, around(1_000, 900, 16));
    expect(decision.stop).toBe(true);
    expect(decision.report).toMatchObject({ samples: 16, maxSamples: 16, stoppedEarly: false });
  });
});
