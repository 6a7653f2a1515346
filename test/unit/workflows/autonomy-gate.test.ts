import { describe, expect, it } from 'vitest';
import { riskLevels, type EffectClass } from '../../../engine/tools/tool.js';
import { autonomyLevels, gateFor, type Gate } from '../../../engine/workflows/index.js';
import { verdictOutcomes } from '../../../engine/governance/index.js';

const sideEffects: EffectClass[] = ['write', 'money_moving', 'external'];

/** DESIGN §4, written out independently of the implementation. */
function expected(level: (typeof autonomyLevels)[number] | undefined, effect: EffectClass, risk: (typeof riskLevels)[number], verdict: (typeof verdictOutcomes)[number]): Gate {
  if (verdict === 'deny') return 'deny';
  if (effect === 'read') return 'execute';
  if (level === 'a0_manual') return 'draft';
  if (verdict === 'require_approval') return 'await_approval';
  if (level === 'a1_assisted' && risk !== 'low') return 'await_approval';
  return 'execute';
}

describe('the autonomy gate', () => {
  it('gives the behaviour DESIGN §4 describes for every level × effect × risk × verdict', () => {
    let cases = 0;
    for (const level of [...autonomyLevels, undefined]) {
      for (const effect of ['read', ...sideEffects] as EffectClass[]) {
        for (const risk of riskLevels) {
          for (const verdict of verdictOutcomes) {
            expect(gateFor({ level, effect, risk, verdict }).gate, `${level} ${effect} ${risk} ${verdict}`).toBe(expected(level, effect, risk, verdict));
            cases += 1;
          }
        }
      }
    }
    expect(cases).toBe(6 * 4 * 4 * 3);
  });

  it('never lets an autonomy level execute what the governor denied', () => {
    for (const level of autonomyLevels) expect(gateFor({ level, effect: 'money_moving', risk: 'low', verdict: 'deny' }).gate).toBe('deny');
  });

  it('keeps A3 and A4 at the gate of A2: their extra powers are monitoring and experiments', () => {
    for (const level of ['a3_autonomous', 'a4_self_optimizing'] as const) {
      expect(gateFor({ level, effect: 'write', risk: 'critical', verdict: 'allow' }).gate).toBe('execute');
      expect(gateFor({ level, effect: 'write', risk: 'low', verdict: 'require_approval' }).gate).toBe('await_approval');
    }
  });
});
