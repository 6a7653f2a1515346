import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuditEntryError,
  auditKinds,
  canonicalDataText,
  canonicalEntryText,
  chainHash,
  genesisHash,
  maxAuditDataBytes,
  type AuditEntry,
} from '../../../../engine/governance/audit/index.js';
import { auditData } from './chain-fixtures.js';

const entry: AuditEntry = {
  orgUnitId: 'lsn_main',
  seq: 1,
  kind: 'verdict',
  actor: 'agent:pricer',
  at: '2025-01-02T03:04:05.678Z',
  data: { tool: 'pricing.set_price', outcome: 'deny', price: { minor: 1999, ratio: 0.15, big: 1e21, tiny: 1e-7 }, note: 'café ☕ 😀 "q"\n' },
};

describe('canonical entry text', () => {
  it('is RFC 8785 text with sorted keys, ES number forms and minimal escapes (a fixed vector)', () => {
    expect(canonicalEntryText(entry)).toBe(
      '{"actor":"agent:pricer","at":"2025-01-02T03:04:05.678Z","data":{"note":"café ☕ 😀 \\"q\\"\\n","outcome":"deny",' +
        '"price":{"big":1e+21,"minor":1999,"ratio":0.15,"tiny":1e-7},"tool":"pricing.set_price"},' +
        '"kind":"verdict","orgUnitId":"lsn_main","seq":1}',
    );
  });

  it('hashes to the value sha256sum gives for 32 zero bytes followed by the text', () => {
    // Computed outside Node: { printf '%064d' 0 | xxd -r -p; printf '%s' "$entry"; } | sha256sum
    expect(chainHash(genesisHash, canonicalEntryText(entry))).toBe('2e2e4ab3602bff36080f2b39bf645569113416fe960361881a4a902493d74f2d');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 section 3.2.3 does', () => {
    const data = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Compared as text: Object.keys would put the integer-like key "1" first whatever the order.
    expect(canonicalDataText(data)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('equals canonicalize() of the whole entry for any valid entry', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          kind: fc.constantFrom(...auditKinds),
          actor: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
          at: fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
          data: auditData,
        }),
        (fields) => {
          const whole = { orgUnitId: 'org_x', ...fields };
          expect(canonicalEntryText(whole)).toBe(canonicalize(whole));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('omits undefined properties, as JSON does', () => {
    expect(canonicalDataText({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  const refusals: [string, unknown, string][] = [
    ['NaN', { x: Number.NaN }, 'data.x'],
    ['Infinity', { x: [1, Number.POSITIVE_INFINITY] }, 'data.x[1]'],
    ['undefined in an array', { x: [undefined] }, 'data.x[0]'],
    ['a hole in a sparse array', { x: [1, , 3] }, 'data.x[1]'],
    ['a function', { f: () => 1 }, 'data.f'],
    ['a bigint', { n: 10n }, 'data.n'],
    ['a Date', { when: new Date(0) }, 'data.when'],
    ['a Map', { m: new Map() }, 'data.m'],
    ['a class instance', { e: new Error('x') }, 'data.e'],
    ['a lone surrogate', { s: 'a\ud800b' }, 'data.s'],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, 'data.\udc00'],
    ['an array as data', [1, 2], 'data'],
    ['null as data', null, 'data'],
  ];
  it.each(refusals)('refuses %s and names the field', (_what, data, field) => {
    const error = catching(() => canonicalDataText(data));
    expect(error).toBeInstanceOf(AuditEntryError);
    expect((error as AuditEntryError).field).toBe(field);
    expect((error as AuditEntryError).code).toBe('AUDIT_ENTRY_INVALID');
  });

  it('refuses a structure that refers to itself instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalDataText(cyclic)).toThrow(/refers to itself/);
  });

  it('refuses data above the size limit', () => {
    expect(() => canonicalDataText({ blob: 'x'.repeat(maxAuditDataBytes) })).toThrow(/limit/);
  });

  const badHeaders: [string, Partial<AuditEntry>, string][] = [
    ['an unknown kind', { kind: 'made.up' as AuditEntry['kind'] }, 'kind'],
    ['an empty actor', { actor: '' }, 'actor'],
    ['seq 0', { seq: 0 }, 'seq'],
    ['a fractional seq', { seq: 1.5 }, 'seq'],
    ['a timestamp without milliseconds', { at: '2025-01-02T03:04:05Z' }, 'at'],
    ['an impossible date', { at: '2025-13-02T03:04:05.000Z' }, 'at'],
    ['a bad org unit id', { orgUnitId: 'Not An Id' }, 'orgUnitId'],
  ];
  it.each(badHeaders)('refuses %s', (_what, change, field) => {
    const error = catching(() => canonicalEntryText({ ...entry, ...change }));
    expect((error as AuditEntryError).field).toBe(field);
  });
});

function catching(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
