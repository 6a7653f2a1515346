import type { AuditKind } from './audit-kinds.js';

/** A JSON value as it comes back out of a stored entry. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The object whose canonical JSON is hashed into the chain. Everything that gives a row its
 * meaning is inside it (org unit, position, kind, actor, time), so moving, renumbering or
 * relabelling a row changes the bytes and breaks the hash.
 */
export type AuditEntry = Readonly<{
  orgUnitId: string;
  /** Position in the org unit's chain: 1, 2, 3, ... with no holes. */
  seq: number;
  kind: AuditKind;
  /** Who did it: a principal or agent id, or `system`. */
  actor: string;
  /** The writer's clock when the entry was appended, as `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  at: string;
  data: Readonly<Record<string, unknown>>;
}>;

/** One stored row of the chain, as the database and the export file hold it. */
export type AuditRow = Readonly<{
  orgUnitId: string;
  seq: number;
  kind: string;
  actor: string;
  /** The exact canonical JSON text that was hashed. */
  entry: string;
  prevHash: string;
  hash: string;
}>;

/** A position in a chain: the last seq and its hash (seq 0 with the genesis hash before the first row). */
export type ChainMark = Readonly<{ seq: number; hash: string }>;

/** The prev_hash of row 1. */
export const genesisHash = '0'.repeat(64);
export const genesisMark: ChainMark = Object.freeze({ seq: 0, hash: genesisHash });

export const orgUnitIdPattern = /^[a-z][a-z0-9_]{1,62}$/;
export const hashPattern = /^[0-9a-f]{64}$/;
export const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const maxActorLength = 200;
/** An entry is a record, not a blob store; this also bounds a batch's statement size. */
export const maxAuditDataBytes = 1024 * 1024;

/** The entry timestamp for a clock reading. */
export function auditTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
