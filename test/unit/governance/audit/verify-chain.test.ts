import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chainHash,
  genesisHash,
  verifyChain,
  verifyChainEnd,
  type AuditRow,
  type ChainMark,
  type ChainVerification,
} from '../../../../engine/governance/audit/index.js';
import { auditInput, buildChain, orgUnitId } from './chain-fixtures.js';

const fromStart = { orgUnitId, expectedStartSeq: 1, expectedPrevHash: genesisHash };
const verify = (rows: readonly AuditRow[], checkpoints?: readonly ChainMark[]) => verifyChain(rows, { ...fromStart, checkpoints });

/** A chain of 2..30 rows and a 0-based index into it. */
const chainAndIndex = fc
  .array(auditInput, { minLength: 2, maxLength: 30 })
  .chain((inputs) => fc.record({ rows: fc.constant(buildChain(inputs)), index: fc.nat({ max: inputs.length - 1 }) }));

/** Recomputes hashes from `from` on, as someone rewriting the chain would. */
function rehashFrom(rows: AuditRow[], from: number): AuditRow[] {
  const out = rows.slice(0, from);
  let prevHash = from === 0 ? genesisHash : rows[from - 1]!.hash;
  for (const row of rows.slice(from)) {
    const hash = chainHash(prevHash, row.entry);
    out.push({ ...row, prevHash, hash });
    prevHash = hash;
  }
  return out;
}

function expectBroken(result: ChainVerification, firstBadSeq: number, reason: string) {
  expect(result).toMatchObject({ ok: false, firstBadSeq, reason });
}

describe('verifyChain', () => {
  it('accepts any chain the writer builds, whole, in pages, and deeply', () => {
    fc.assert(
      fc.property(fc.array(auditInput, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (inputs, pageSize) => {
        const rows = buildChain(inputs);
        const whole = verify(rows);
        expect(whole).toEqual({ ok: true, count: rows.length, lastSeq: rows.length, headHash: rows.at(-1)?.hash ?? genesisHash });
        expect(verifyChain(rows, { ...fromStart, deep: true })).toEqual(whole);

        let position = { expectedStartSeq: 1, expectedPrevHash: genesisHash };
        let count = 0;
        for (let start = 0; start < rows.length; start += pageSize) {
          const page = verifyChain(rows.slice(start, start + pageSize), { orgUnitId, ...position });
          if (!page.ok) throw new Error(page.detail);
          count += page.count;
          position = { expectedStartSeq: page.lastSeq + 1, expectedPrevHash: page.headHash };
        }
        expect(count).toBe(rows.length);
        expect(position.expectedPrevHash).toBe(whole.ok ? whole.headHash : '');
        const head = { seq: rows.length, hash: position.expectedPrevHash };
        expect(verifyChainEnd({ lastSeq: rows.length, headHash: head.hash }, { head, checkpoints: [head] })).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it('names the modified row when an entry is changed', () => {
    fc.assert(
      fc.property(chainAndIndex, ({ rows, index }) => {
        const tampered = rows.map((row, i) => (i === index ? { ...row, entry: row.entry.replace('"data":{', '"data":{"forged":true,') } : row));
        expectBroken(verify(tampered), index + 1, 'hash_mismatch');
      }),
    );
  });

  it('names the next row when an entry is changed and its own hash recomputed, and the head when it was the last', () => {
    fc.assert(
      fc.property(chainAndIndex, ({ rows, index }) => {
        const changed = rows.map((row, i) => (i === index ? { ...row, entry: row.entry.replace('"data":{', '"data":{"forged":true,') } : row));
        const forgedRow = changed[index]!;
        changed[index] = { ...forgedRow, hash: chainHash(forgedRow.prevHash, forgedRow.entry) };
        const result = verify(changed);
        if (index < rows.length - 1) {
          expectBroken(result, index + 2, 'broken_link');
        } else {
          const head = { seq: rows.length, hash: rows.at(-1)!.hash };
          expect(result.ok).toBe(true);
          if (result.ok) expect(verifyChainEnd(result, { head })).toMatchObject({ firstBadSeq: index + 1, reason: 'head_mismatch' });
        }
      }),
    );
  });

  it('names the row whose kind or actor column no longer matches its entry', () => {
    fc.assert(
      fc.property(chainAndIndex, fc.constantFrom('kind', 'actor') , ({ rows, index }, column) => {
        const tampered = rows.map((row, i) => (i === index ? { ...row, [column]: `${row[column]}x` } : row));
        const result = verify(tampered);
        expectBroken(result, index + 1, 'entry_mismatch');
        if (!result.ok) expect(result.detail).toContain(column);
      }),
    );
  });

  it('names the first missing row when a row is deleted, and a cut tail against a checkpoint', () => {
    fc.assert(
      fc.property(chainAndIndex, ({ rows, index }) => {
        const checkpoint = { seq: rows.length, hash: rows.at(-1)!.hash };
        const remaining = rows.filter((_, i) => i !== index);
        const result = verify(remaining, [checkpoint]);
        if (index < rows.length - 1) {
          expectBroken(result, index + 1, 'gap');
        } else {
          expect(result).toMatchObject({ ok: true, lastSeq: rows.length - 1 });
          if (result.ok) expect(verifyChainEnd(result, { checkpoints: [checkpoint] })).toMatchObject({ firstBadSeq: rows.length, reason: 'truncated' });
        }
      }),
    );
  });

  it('detects a truncated tail against a checkpoint or the head, naming the first row cut off', () => {
    fc.assert(
      fc.property(chainAndIndex, ({ rows, index }) => {
        const checkpoint = { seq: rows.length, hash: rows.at(-1)!.hash };
        const kept = rows.slice(0, index);
        const result = verify(kept, [checkpoint]);
        expect(result).toMatchObject({ ok: true, lastSeq: index });
        if (!result.ok) return;
        expect(verifyChainEnd(result, { checkpoints: [checkpoint] })).toMatchObject({ firstBadSeq: index + 1, reason: 'truncated' });
        expect(verifyChainEnd(result, { head: checkpoint })).toMatchObject({ firstBadSeq: index + 1, reason: 'truncated' });
      }),
    );
  });

  it('names the lower row when two rows swap contents under their seq numbers', () => {
    fc.assert(
      fc.property(chainAndIndex, fc.nat(), ({ rows, index }, offset) => {
        const other = index + 1 + (offset % (rows.length - 1 - index || 1));
        if (other >= rows.length) return;
        const swapped = rows.map((row, i) => {
          const source = i === index ? rows[other]! : i === other ? rows[index]! : row;
          return { ...source, seq: row.seq };
        });
        expectBroken(verify(swapped), index + 1, 'broken_link');
      }),
    );
  });

  it('names the first misplaced row when lines are reordered', () => {
    fc.assert(
      fc.property(chainAndIndex, ({ rows, index }) => {
        if (index === rows.length - 1) return;
        const reordered = [...rows];
        [reordered[index], reordered[index + 1]] = [reordered[index + 1]!, reordered[index]!];
        expectBroken(verify(reordered), index + 1, 'gap');
      }),
    );
  });

  it('names a forged row with a made-up hash, and the row after a forgery that hashes correctly', () => {
    fc.assert(
      fc.property(chainAndIndex, auditInput, ({ rows, index }, input) => {
        const forgedEntry = buildChain([input])[0]!.entry.replace(/"orgUnitId":"[^"]*","seq":1\}$/, `"orgUnitId":"${orgUnitId}","seq":${index + 1}}`);
        const prevHash = index === 0 ? genesisHash : rows[index - 1]!.hash;
        const forged: AuditRow = { orgUnitId, seq: index + 1, kind: input.kind, actor: input.actor, entry: forgedEntry, prevHash, hash: 'f'.repeat(64) };
        const withNaive = [...rows.slice(0, index), forged, ...rows.slice(index)];
        expectBroken(verify(withNaive), index + 1, 'hash_mismatch');

        const careful = { ...forged, hash: chainHash(prevHash, forgedEntry) };
        expectBroken(verify([...rows.slice(0, index), careful, ...rows.slice(index)]), index + 2, 'out_of_order');
        // Renumbering the rows after it does not help: the next row's link no longer holds.
        const renumbered = [...rows.slice(0, index), careful, ...rows.slice(index).map((row) => ({ ...row, seq: row.seq + 1 }))];
        expectBroken(verify(renumbered), index + 2, 'broken_link');
      }),
    );
  });

  it('detects a chain rewritten from some row on against a checkpoint taken before the rewrite', () => {
    fc.assert(
      fc.property(chainAndIndex, ({ rows, index }) => {
        const changed = rows.map((row, i) => (i === index ? { ...row, entry: row.entry.replace('"data":{', '"data":{"forged":true,') } : row));
        const rewritten = rehashFrom(changed, index);
        expect(verify(rewritten).ok).toBe(true);
        const checkpoint = { seq: rows.length, hash: rows.at(-1)!.hash };
        expectBroken(verify(rewritten, [checkpoint]), rows.length, 'checkpoint_mismatch');
      }),
    );
  });

  it('flags a row that is not the org unit it is read for', () => {
    const rows = buildChain([{ kind: 'action', actor: 'system', data: {} }]);
    expectBroken(verifyChain(rows, { ...fromStart, orgUnitId: 'other_org' }), 1, 'entry_mismatch');
  });

  it('names malformed and non-canonical entries (the latter in deep mode)', () => {
    const [row] = buildChain([{ kind: 'action', actor: 'system', data: { b: 1, a: 2 } }]);
    const rehashed = (entry: string): AuditRow => ({ ...row!, entry, hash: chainHash(genesisHash, entry) });
    expectBroken(verify([rehashed('not json')]), 1, 'malformed_entry');
    expectBroken(verify([rehashed(row!.entry.replace('"seq":1}', '"seq":1,"extra":1}'))]), 1, 'malformed_entry');
    const reordered = rehashed(row!.entry.replace('{"a":2,"b":1}', '{"b":1,"a":2}'));
    expect(verify([reordered]).ok).toBe(true);
    expectBroken(verifyChain([reordered], { ...fromStart, deep: true }), 1, 'not_canonical');
  });

  it('reports a head that lags behind the rows', () => {
    expect(verifyChainEnd({ lastSeq: 5, headHash: 'a'.repeat(64) }, { head: { seq: 3, hash: 'b'.repeat(64) } })).toMatchObject({
      firstBadSeq: 4,
      reason: 'head_mismatch',
    });
  });
});
