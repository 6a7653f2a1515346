import { describe, expect, it } from 'vitest';
import {
  AuditEntryError,
  canonicalEntryText,
  chainDrafts,
  chainHash,
  genesisMark,
  prepareAuditDraft,
} from '../../../../engine/governance/audit/index.js';

const at = '2025-03-04T05:06:07.089Z';

describe('chainDrafts', () => {
  it('numbers drafts after the head and links each row to the one before', () => {
    const head = { seq: 41, hash: 'ab'.repeat(32) };
    const drafts = [1, 2, 3].map((n) => prepareAuditDraft('lsn_main', { kind: 'action', actor: 'system', data: { n } }, at));
    const { rows, head: next } = chainDrafts(head, drafts);
    expect(rows.map((row) => row.seq)).toEqual([42, 43, 44]);
    expect(rows[0]!.prevHash).toBe(head.hash);
    rows.forEach((row, index) => {
      expect(row.entry).toBe(canonicalEntryText({ orgUnitId: 'lsn_main', seq: row.seq, kind: 'action', actor: 'system', at, data: { n: index + 1 } }));
      expect(row.hash).toBe(chainHash(row.prevHash, row.entry));
      if (index > 0) expect(row.prevHash).toBe(rows[index - 1]!.hash);
    });
    expect(next).toEqual({ seq: 44, hash: rows[2]!.hash });
  });

  it('leaves the head alone for no drafts', () => {
    expect(chainDrafts(genesisMark, [])).toEqual({ rows: [], head: genesisMark });
  });

  it('refuses drafts of two org units in one chain, and a head that is not a hash', () => {
    const a = prepareAuditDraft('org_a', { kind: 'action', actor: 'system', data: {} }, at);
    const b = prepareAuditDraft('org_b', { kind: 'action', actor: 'system', data: {} }, at);
    expect(() => chainDrafts(genesisMark, [a, b])).toThrow(AuditEntryError);
    expect(() => chainDrafts({ seq: 0, hash: 'nope' }, [a])).toThrow(AuditEntryError);
  });

  it('validates an input before it is chained', () => {
    expect(() => prepareAuditDraft('Bad Org', { kind: 'action', actor: 'system', data: {} }, at)).toThrow(/orgUnitId/);
    expect(() => prepareAuditDraft('lsn_main', { kind: 'action', actor: 'system', data: {} }, 'now')).toThrow(/at:/);
    expect(() => prepareAuditDraft('lsn_main', { kind: 'action', actor: 'x'.repeat(201), data: {} }, at)).toThrow(/actor/);
  });
});
