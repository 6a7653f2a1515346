import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuditExportFormatError,
  formatCheckpoint,
  formatExportLine,
  parseCheckpoint,
  parseExportLine,
  verifyChain,
  genesisHash,
} from '../../../../engine/governance/audit/index.js';
import { auditInput, buildChain, orgUnitId } from './chain-fixtures.js';

describe('export format', () => {
  it('writes each row as one canonical JSON line that parses back to the same row', () => {
    fc.assert(
      fc.property(fc.array(auditInput, { minLength: 1, maxLength: 20 }), (inputs) => {
        const rows = buildChain(inputs);
        const text = rows.map(formatExportLine).join('');
        const lines = text.split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(rows.length);
        lines.forEach((line, index) => {
          const row = rows[index]!;
          expect(line).toBe(canonicalize({ ...row }));
          expect(parseExportLine(line)).toEqual(row);
        });
        expect(verifyChain(lines.map(parseExportLine), { orgUnitId, expectedStartSeq: 1, expectedPrevHash: genesisHash }).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips a checkpoint as one canonical line', () => {
    const checkpoint = { orgUnitId, seq: 3, headHash: 'ab'.repeat(32), count: 3, exportedAt: '2025-01-02T03:04:05.678Z' };
    const text = formatCheckpoint(checkpoint);
    expect(text).toBe(`{"count":3,"exportedAt":"2025-01-02T03:04:05.678Z","headHash":"${'ab'.repeat(32)}","orgUnitId":"lsn_main","seq":3}\n`);
    expect(parseCheckpoint(text)).toEqual(checkpoint);
  });

  const badLines: [string, string][] = [
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a missing entry', '{"actor":"a","hash":"' + '0'.repeat(64) + '","kind":"action","orgUnitId":"lsn_main","prevHash":"' + '0'.repeat(64) + '","seq":1}'],
    ['an upper-case hash', '{"actor":"a","entry":"{}","hash":"' + 'A'.repeat(64) + '","kind":"action","orgUnitId":"lsn_main","prevHash":"' + '0'.repeat(64) + '","seq":1}'],
    ['seq 0', '{"actor":"a","entry":"{}","hash":"' + '0'.repeat(64) + '","kind":"action","orgUnitId":"lsn_main","prevHash":"' + '0'.repeat(64) + '","seq":0}'],
  ];
  it.each(badLines)('refuses a line with %s', (_what, line) => {
    expect(() => parseExportLine(line)).toThrow(AuditExportFormatError);
  });

  it('refuses a checkpoint with a bad timestamp or count', () => {
    expect(() => parseCheckpoint('{"count":-1,"exportedAt":"2025-01-02T03:04:05.678Z","headHash":"' + '0'.repeat(64) + '","orgUnitId":"lsn_main","seq":0}')).toThrow(/count/);
    expect(() => parseCheckpoint('{"count":0,"exportedAt":"yesterday","headHash":"' + '0'.repeat(64) + '","orgUnitId":"lsn_main","seq":0}')).toThrow(/exportedAt/);
  });
});
