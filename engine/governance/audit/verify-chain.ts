import canonicalize from 'canonicalize';
import { entryKindAndOrgUnit, entryPrefix, entrySeqTail } from './canonical-entry-text.js';
import { hashPattern, timestampPattern, type AuditRow, type ChainMark } from './audit-entry.js';
import { createChainHasher } from './chain-hash.js';

export const chainFailureReasons = [
  /** Rows are missing: the row found has a higher seq than the one expected. */
  'gap',
  /** A row repeats or precedes one already seen. */
  'out_of_order',
  /** prev_hash is not the hash of the row before. */
  'broken_link',
  /** hash is not sha256(prev_hash bytes || entry bytes). */
  'hash_mismatch',
  /** The row's columns (org unit, seq, kind, actor) disagree with its hashed entry. */
  'entry_mismatch',
  /** The entry is not JSON of the entry shape. */
  'malformed_entry',
  /** The entry is JSON of the right shape but not its RFC 8785 canonical text (deep check). */
  'not_canonical',
  /** A checkpoint recorded another hash at this seq: the chain was rewritten from here or before. */
  'checkpoint_mismatch',
  /** The chain ends before a checkpoint or the head says it should. */
  'truncated',
  /** The head row disagrees with the last row. */
  'head_mismatch',
] as const;
export type ChainFailureReason = (typeof chainFailureReasons)[number];

export type ChainVerified = Readonly<{ ok: true; count: number; lastSeq: number; headHash: string }>;
export type ChainBroken = Readonly<{
  ok: false;
  /** The first position in the chain at which it is wrong: a row that is bad, or the first one missing. */
  firstBadSeq: number;
  reason: ChainFailureReason;
  detail: string;
}>;
export type ChainVerification = ChainVerified | ChainBroken;

export type VerifyChainOptions = Readonly<{
  orgUnitId: string;
  /** The seq the first row must have (1 at the start of a chain). */
  expectedStartSeq: number;
  /** The hash the first row must link to (the genesis hash at the start of a chain). */
  expectedPrevHash: string;
  /** Known (seq, hash) pairs, such as exported checkpoints; rows at those seqs must match. */
  checkpoints?: readonly ChainMark[];
  /** Also parse every entry and require its exact canonical form (slower; see docs/audit-format.md). */
  deep?: boolean;
}>;

/**
 * Walks rows in order and stops at the first fault. It holds nothing but the running
 * position, so a chain of any length is verified page by page: pass each page with
 * `expectedStartSeq: lastSeq + 1, expectedPrevHash: headHash` from the previous result,
 * then `verifyChainEnd` with the last result.
 */
export function verifyChain(rows: Iterable<AuditRow>, options: VerifyChainOptions): ChainVerification {
  if (!hashPattern.test(options.expectedPrevHash)) {
    return broken(options.expectedStartSeq, 'broken_link', `the expected previous hash ${JSON.stringify(options.expectedPrevHash)} is not a hash`);
  }
  const marks = marksFrom(options.checkpoints ?? [], options.expectedStartSeq);
  const hasher = createChainHasher();
  const pieces = new EntryPieces(options.orgUnitId);
  let seq = options.expectedStartSeq;
  let prevHash = options.expectedPrevHash;
  let count = 0;
  for (const row of rows) {
    if (row.seq !== seq) {
      return row.seq > seq
        ? broken(seq, 'gap', `row ${seq} is missing: the next row found is ${row.seq}`)
        : broken(seq, 'out_of_order', `row ${seq} was expected but row ${row.seq} came next`);
    }
    if (row.prevHash !== prevHash) {
      return broken(seq, 'broken_link', `row ${seq} has prev_hash ${row.prevHash} but the hash before it is ${prevHash}`);
    }
    const computed = hasher(prevHash, row.entry);
    if (computed !== row.hash) {
      return broken(seq, 'hash_mismatch', `row ${seq} has hash ${row.hash} but its prev_hash and entry hash to ${computed}`);
    }
    const entryFault = options.deep ? deepEntryFault(row, options.orgUnitId) : quickEntryFault(row, pieces);
    if (entryFault) return broken(seq, entryFault.reason, `row ${seq}: ${entryFault.detail}`);
    const marked = marks.get(seq);
    const wrongMark = marked?.find((hash) => hash !== row.hash);
    if (wrongMark !== undefined) {
      return broken(seq, 'checkpoint_mismatch', `a checkpoint recorded hash ${wrongMark} at row ${seq}; the chain has ${row.hash}`);
    }
    count += 1;
    prevHash = row.hash;
    seq += 1;
  }
  return { ok: true, count, lastSeq: seq - 1, headHash: prevHash };
}

/**
 * What only the end of a walk reveals: rows cut off after the last one read. `head` is the
 * chain head the database holds; checkpoints are (seq, hash) pairs kept elsewhere.
 */
export function verifyChainEnd(
  end: Readonly<{ lastSeq: number; headHash: string }>,
  expected: Readonly<{ head?: ChainMark; checkpoints?: readonly ChainMark[] }>,
): ChainBroken | null {
  const beyond = [...(expected.checkpoints ?? [])].filter((mark) => mark.seq > end.lastSeq).sort((a, b) => a.seq - b.seq);
  const furthest = beyond.at(-1);
  if (furthest) {
    return broken(end.lastSeq + 1, 'truncated', `the chain ends at row ${end.lastSeq} but a checkpoint recorded row ${furthest.seq} with hash ${furthest.hash}`);
  }
  const head = expected.head;
  if (!head) return null;
  if (head.seq > end.lastSeq) {
    return broken(end.lastSeq + 1, 'truncated', `the chain ends at row ${end.lastSeq} but its head is at row ${head.seq}`);
  }
  if (head.seq < end.lastSeq) {
    return broken(head.seq + 1, 'head_mismatch', `the head is at row ${head.seq} but rows continue to ${end.lastSeq}`);
  }
  if (head.hash !== end.headHash) {
    return broken(end.lastSeq, 'head_mismatch', `the head records hash ${head.hash} for row ${head.seq}; the row has ${end.headHash}`);
  }
  return null;
}

function broken(firstBadSeq: number, reason: ChainFailureReason, detail: string): ChainBroken {
  return { ok: false, firstBadSeq, reason, detail };
}

function marksFrom(checkpoints: readonly ChainMark[], fromSeq: number): Map<number, string[]> {
  const marks = new Map<number, string[]>();
  for (const mark of checkpoints) {
    if (mark.seq < fromSeq) continue;
    const hashes = marks.get(mark.seq);
    if (hashes) hashes.push(mark.hash);
    else marks.set(mark.seq, [mark.hash]);
  }
  return marks;
}

type EntryFault = { reason: ChainFailureReason; detail: string };

/** The fixed pieces of canonical entries, built once per actor and kind rather than once per row. */
class EntryPieces {
  private readonly prefixes = new Map<string, string>();
  private readonly kindPieces = new Map<string, string>();
  constructor(readonly orgUnitId: string) {}

  prefix(actor: string): string {
    let piece = this.prefixes.get(actor);
    if (piece === undefined) {
      piece = entryPrefix(actor);
      // Bounded: a chain with very many actors just rebuilds pieces.
      if (this.prefixes.size > 10_000) this.prefixes.clear();
      this.prefixes.set(actor, piece);
    }
    return piece;
  }

  kindAndOrgUnit(kind: string): string {
    let piece = this.kindPieces.get(kind);
    if (piece === undefined) {
      piece = entryKindAndOrgUnit(kind, this.orgUnitId);
      if (this.kindPieces.size > 10_000) this.kindPieces.clear();
      this.kindPieces.set(kind, piece);
    }
    return piece;
  }
}

const timestampThenData = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)","data":\{/y;

/**
 * The row's columns are bound to its entry by comparing the exact canonical pieces around
 * `data`: no parse per row, which is what lets verification stream at hundreds of thousands
 * of rows a second. Only a row that fails is parsed, to say precisely what is wrong.
 */
function quickEntryFault(row: AuditRow, pieces: EntryPieces): EntryFault | undefined {
  const { entry } = row;
  const prefix = pieces.prefix(row.actor);
  const tail = entrySeqTail(row.seq);
  const middle = pieces.kindAndOrgUnit(row.kind);
  const middleAt = entry.length - tail.length - middle.length;
  timestampThenData.lastIndex = prefix.length;
  const bound =
    row.orgUnitId === pieces.orgUnitId &&
    entry.startsWith(prefix) &&
    entry.endsWith(tail) &&
    entry.startsWith(middle, middleAt) &&
    timestampThenData.test(entry) &&
    timestampThenData.lastIndex <= middleAt;
  if (bound) return undefined;
  return deepEntryFault(row, pieces.orgUnitId) ?? { reason: 'entry_mismatch', detail: 'the entry does not have the canonical shape for its columns' };
}

const entryKeys = ['actor', 'at', 'data', 'kind', 'orgUnitId', 'seq'];

function deepEntryFault(row: AuditRow, orgUnitId: string): EntryFault | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.entry);
  } catch {
    return { reason: 'malformed_entry', detail: 'the entry is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { reason: 'malformed_entry', detail: 'the entry is not a JSON object' };
  }
  const entry = parsed as Record<string, unknown>;
  const keys = Object.keys(entry).sort();
  if (keys.join(',') !== entryKeys.join(',')) {
    return { reason: 'malformed_entry', detail: `the entry has keys ${keys.join(', ')}; expected ${entryKeys.join(', ')}` };
  }
  if (typeof entry.at !== 'string' || !timestampPattern.test(entry.at)) {
    return { reason: 'malformed_entry', detail: 'the entry has no valid timestamp "at"' };
  }
  const data = entry.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { reason: 'malformed_entry', detail: 'the entry\'s "data" is not an object' };
  }
  if (row.orgUnitId !== orgUnitId) {
    return { reason: 'entry_mismatch', detail: `the row belongs to org unit ${JSON.stringify(row.orgUnitId)}, not ${JSON.stringify(orgUnitId)}` };
  }
  const columns: [string, unknown, unknown][] = [
    ['orgUnitId', entry.orgUnitId, orgUnitId],
    ['seq', entry.seq, row.seq],
    ['kind', entry.kind, row.kind],
    ['actor', entry.actor, row.actor],
  ];
  for (const [field, inEntry, inRow] of columns) {
    if (inEntry !== inRow) {
      return { reason: 'entry_mismatch', detail: `${field} is ${JSON.stringify(inEntry)} in the entry but ${JSON.stringify(inRow)} in the row` };
    }
  }
  if (canonicalize(entry) !== row.entry) {
    return { reason: 'not_canonical', detail: 'the entry is not in RFC 8785 canonical form' };
  }
  return undefined;
}
