import { Buffer } from 'node:buffer';
import { hash } from 'node:crypto';
import { AuditEntryError } from './audit-entry-error.js';
import { hashPattern } from './audit-entry.js';

/**
 * hash = SHA-256( the 32 bytes the previous hash's hex spells || the UTF-8 bytes of the
 * canonical entry text ), as lowercase hex. docs/audit-format.md has the recipe with
 * standard tools.
 */
export function chainHash(prevHashHex: string, canonicalText: string): string {
  if (!hashPattern.test(prevHashHex)) throw new AuditEntryError('prevHash', 'must be 64 lowercase hex digits');
  return createChainHasher()(prevHashHex, canonicalText);
}

/**
 * The same function with a reusable buffer, for walking many rows: one allocation per
 * chain instead of one per row. The caller guarantees `prevHashHex` is 64 lowercase hex
 * digits (Buffer#write stops silently at the first non-hex character).
 */
export function createChainHasher(): (prevHashHex: string, canonicalText: string) => string {
  let scratch = Buffer.allocUnsafe(4096);
  return (prevHashHex, canonicalText) => {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes: measure only when that bound does not fit.
    if (32 + canonicalText.length * 3 > scratch.length) {
      const needed = 32 + Buffer.byteLength(canonicalText, 'utf8');
      if (needed > scratch.length) scratch = Buffer.allocUnsafe(Math.max(needed, scratch.length * 2));
    }
    scratch.write(prevHashHex, 0, 32, 'hex');
    const written = scratch.write(canonicalText, 32, 'utf8');
    return hash('sha256', scratch.subarray(0, 32 + written), 'hex');
  };
}
