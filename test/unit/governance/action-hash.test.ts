import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { actionHash, actionJson, canonicalActionText, type Action } from '../../../engine/governance/index.js';

const action: Action = {
  orgUnitId: 'lsn_main',
  actor: { id: 'agent-pricing', kind: 'agent', role: 'agent' },
  tool: 'pricing.set_price',
  input: { productId: 'p_1', priceMinor: 2_499 },
  context: { reconciled: true },
  projected: { marginPercent: 0.31, cashRunwayDays: Number.POSITIVE_INFINITY },
  autonomous: true,
};

describe('actionHash', () => {
  it('is SHA-256 of the RFC 8785 text, so key order never matters', () => {
    const text = canonicalActionText(action);
    expect(actionHash(action)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(text).toBe(canonicalize(actionJson(action)));
    const shuffled: Action = {
      autonomous: true,
      tool: 'pricing.set_price',
      projected: { cashRunwayDays: Number.POSITIVE_INFINITY, marginPercent: 0.31 },
      context: { reconciled: true },
      input: { priceMinor: 2_499, productId: 'p_1' },
      actor: { role: 'agent', kind: 'agent', id: 'agent-pricing' },
      orgUnitId: 'lsn_main',
    };
    expect(actionHash(shuffled)).toBe(actionHash(action));
  });

  it('changes with any value, however small', () => {
    const hash = actionHash(action);
    expect(actionHash({ ...action, input: { ...action.input, priceMinor: 2_498 } })).not.toBe(hash);
    expect(actionHash({ ...action, autonomous: false })).not.toBe(hash);
    expect(actionHash({ ...action, projected: { ...action.projected, marginPercent: 0.310000001 } })).not.toBe(hash);
    expect(actionHash({ ...action, input: { ...action.input, note: '' } })).not.toBe(hash);
  });

  it('writes non-finite numbers as strings and leaves undefined out, as JSON does', () => {
    expect(actionJson(action).projected).toEqual({ marginPercent: 0.31, cashRunwayDays: 'Infinity' });
    expect(actionJson({ ...action, input: { a: Number.NaN, b: Number.NEGATIVE_INFINITY, c: undefined, d: [undefined, 1] } }).input).toEqual({
      a: 'NaN',
      b: '-Infinity',
      d: [null, 1],
    });
    expect(actionHash({ ...action, risk: undefined })).toBe(actionHash(action));
  });

  it('refuses values that are not plain JSON, naming where', () => {
    expect(() => actionHash({ ...action, input: { at: new Date(0) } })).toThrow('action.input.at is a Date, not a JSON value');
    expect(() => actionHash({ ...action, input: { f: () => 1 } })).toThrow('action.input.f is a function');
    expect(() => actionHash({ ...action, input: { n: 10n } })).toThrow('action.input.n is a bigint');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => actionHash({ ...action, input: loop })).toThrow('nests deeper');
  });
});
