import { describe, expect, it } from 'vitest';
import { builtinPolicies } from '../../../engine/governance/index.js';
import { defaultThresholds, thresholdsFromPolicies } from '../../../engine/twin/index.js';

const policy = (name: string, body: string, version = 1) => ({ name, version, source: `policy ${name}\n  on pricing.*\n${body}\n` });

describe('risk thresholds from the org unit policies', () => {
  it('reads the margin floor and runway minimum of the built-in policies', () => {
    const thresholds = thresholdsFromPolicies(builtinPolicies.map((p) => ({ ...p, version: 1 })));
    expect(thresholds.marginFloor).toEqual({ value: 0.15, source: 'policy margin_floor v1' });
    expect(thresholds.minRunwayDays).toEqual({ value: 30, source: 'policy cash_runway v1' });
  });

  it('takes the strictest deny, in either operand order, and ignores rules that do not deny', () => {
    const thresholds = thresholdsFromPolicies([
      ...builtinPolicies.map((p) => ({ ...p, version: 1 })),
      policy('tight_margin', '  deny when 0.22 > projected.marginPercent and action.autonomous\n  because "tight"', 3),
      policy('ask_runway', '  require_approval when projected.cashRunwayDays < 90\n  because "ask"'),
    ]);
    expect(thresholds.marginFloor).toEqual({ value: 0.22, source: 'policy tight_margin v3' });
    expect(thresholds.minRunwayDays.value).toBe(30);
  });

  it('falls back to the built-ins’ values without any such policy, and skips text that does not parse', () => {
    expect(thresholdsFromPolicies([{ name: 'broken', version: 1, source: 'policy' }])).toEqual(defaultThresholds);
  });
});
