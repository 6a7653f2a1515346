import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditEntryError, chainHash, createChainHasher } from '../../../../engine/governance/audit/index.js';

const reference = (prevHex: string, text: string) =>
  createHash('sha256').update(Buffer.from(prevHex, 'hex')).update(text, 'utf8').digest('hex');

describe('chainHash', () => {
  it('is sha256 over the 32 raw bytes of the previous hash and the UTF-8 bytes of the text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string({ unit: 'grapheme', maxLength: 200 }), (prev, text) => {
        const prevHex = Buffer.from(prev).toString('hex');
        expect(chainHash(prevHex, text)).toBe(reference(prevHex, text));
      }),
    );
  });

  it('gives the same hashes from a reused hasher across short, long and multi-byte texts', () => {
    const hasher = createChainHasher();
    const texts = ['', 'a', '€'.repeat(5000), 'x'.repeat(100_000), '😀'.repeat(3000), 'short again'];
    let prev = '0'.repeat(64);
    for (const text of texts) {
      const next = hasher(prev, text);
      expect(next).toBe(reference(prev, text));
      prev = next;
    }
  });

  it('refuses a previous hash that is not 64 lowercase hex digits', () => {
    expect(() => chainHash('ABC', '{}')).toThrow(AuditEntryError);
    expect(() => chainHash('g'.repeat(64), '{}')).toThrow(AuditEntryError);
  });
});
