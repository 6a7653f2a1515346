import { assertActor, assertTimestamp, canonicalDataText, composeEntryText } from './canonical-entry-text.js';
import { AuditEntryError } from './audit-entry-error.js';
import { hashPattern, orgUnitIdPattern, type AuditRow, type ChainMark } from './audit-entry.js';
import { isAuditKind, type AuditKind } from './audit-kinds.js';
import { createChainHasher } from './chain-hash.js';

/** What a caller asks to record; seq and the hashes come from the chain when it is written. */
export type AuditInput = Readonly<{ kind: AuditKind; actor: string; data: Readonly<Record<string, unknown>> }>;

/** An input checked and serialised, waiting only for its place in the chain. */
export type AuditDraft = Readonly<{ orgUnitId: string; kind: AuditKind; actor: string; at: string; dataText: string }>;

/**
 * Validates and serialises an input up front, so a bad entry is refused to its own caller
 * instead of failing the batch it would have shared.
 */
export function prepareAuditDraft(orgUnitId: string, input: AuditInput, at: string): AuditDraft {
  if (typeof orgUnitId !== 'string' || !orgUnitIdPattern.test(orgUnitId)) {
    throw new AuditEntryError('orgUnitId', 'must match ^[a-z][a-z0-9_]{1,62}$');
  }
  if (!isAuditKind(input.kind)) throw new AuditEntryError('kind', `${JSON.stringify(input.kind)} is not an audit kind`);
  assertActor(input.actor);
  assertTimestamp(at);
  return { orgUnitId, kind: input.kind, actor: input.actor, at, dataText: canonicalDataText(input.data) };
}

/** Places drafts after `head`, in order: the rows to insert and the new head. */
export function chainDrafts(head: ChainMark, drafts: readonly AuditDraft[]): { rows: AuditRow[]; head: ChainMark } {
  if (!hashPattern.test(head.hash)) throw new AuditEntryError('head.hash', 'must be 64 lowercase hex digits');
  const orgUnitId = drafts[0]?.orgUnitId;
  if (drafts.some((draft) => draft.orgUnitId !== orgUnitId)) throw new AuditEntryError('orgUnitId', 'one chain belongs to one org unit');
  const hasher = createChainHasher();
  const rows: AuditRow[] = [];
  let seq = head.seq;
  let prevHash = head.hash;
  for (const draft of drafts) {
    seq += 1;
    const entry = composeEntryText({ ...draft, seq }, draft.dataText);
    const hash = hasher(prevHash, entry);
    rows.push({ orgUnitId: draft.orgUnitId, seq, kind: draft.kind, actor: draft.actor, entry, prevHash, hash });
    prevHash = hash;
  }
  return { rows, head: { seq, hash: prevHash } };
}
