import { Buffer } from 'node:buffer';
import canonicalize from 'canonicalize';
import { AuditEntryError } from './audit-entry-error.js';
import {
  maxActorLength,
  maxAuditDataBytes,
  orgUnitIdPattern,
  timestampPattern,
  type AuditEntry,
} from './audit-entry.js';
import { isAuditKind } from './audit-kinds.js';

/**
 * RFC 8785 (JCS) text of entries. `canonicalize` does the serialising; this module first
 * insists the input is plain JSON, because the library passes some non-JSON values through
 * (a function-valued property becomes `"key":undefined`, a Date goes through toJSON) and a
 * tamper-evident record must hash exactly what the caller meant.
 */

const maxDepth = 64;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The canonical text of an entry's `data`; throws AuditEntryError naming the first value that is not plain JSON. */
export function canonicalDataText(data: unknown): string {
  if (!isPlainObject(data)) throw new AuditEntryError('data', 'must be a plain JSON object');
  assertJson(data, 'data', 0);
  const text = canonicalize(data);
  if (text === undefined) throw new AuditEntryError('data', 'has no JSON form');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxAuditDataBytes) throw new AuditEntryError('data', `is ${bytes} bytes of JSON; the limit is ${maxAuditDataBytes}`);
  return text;
}

function assertJson(value: unknown, path: string, depth: number): void {
  if (depth > maxDepth) throw new AuditEntryError(path, `nests deeper than ${maxDepth} levels (or refers to itself)`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AuditEntryError(path, `${String(value)} is not a JSON number`);
    return;
  }
  if (typeof value === 'string') {
    if (loneSurrogate.test(value)) throw new AuditEntryError(path, 'contains a lone UTF-16 surrogate');
    return;
  }
  if (Array.isArray(value)) {
    // An index loop, not forEach: forEach skips the holes of a sparse array, which would serialise as `[1,,3]`.
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      if (item === undefined) throw new AuditEntryError(`${path}[${index}]`, 'is undefined or a hole (use null)');
      assertJson(item, `${path}[${index}]`, depth + 1);
    }
    return;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const child = value[key];
      const childPath = `${path}.${key}`;
      if (loneSurrogate.test(key)) throw new AuditEntryError(childPath, 'key contains a lone UTF-16 surrogate');
      // Left out, as JSON.stringify does: optional fields of a typed object are common.
      if (child === undefined) continue;
      assertJson(child, childPath, depth + 1);
    }
    return;
  }
  const what = value instanceof Date ? 'a Date (pass an ISO string)' : `a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`;
  throw new AuditEntryError(path, `is ${what}, not a JSON value`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

type EntryHeader = Pick<AuditEntry, 'orgUnitId' | 'seq' | 'kind' | 'actor' | 'at'>;

/** Throws AuditEntryError unless every field other than `data` is well formed. */
export function assertEntryHeader(header: EntryHeader): void {
  if (typeof header.orgUnitId !== 'string' || !orgUnitIdPattern.test(header.orgUnitId)) {
    throw new AuditEntryError('orgUnitId', 'must match ^[a-z][a-z0-9_]{1,62}$');
  }
  if (!Number.isSafeInteger(header.seq) || header.seq < 1) throw new AuditEntryError('seq', 'must be a positive safe integer');
  if (!isAuditKind(header.kind)) throw new AuditEntryError('kind', `${JSON.stringify(header.kind)} is not an audit kind`);
  assertActor(header.actor);
  assertTimestamp(header.at);
}

export function assertActor(actor: unknown): asserts actor is string {
  if (typeof actor !== 'string' || actor.length === 0 || actor.length > maxActorLength || loneSurrogate.test(actor)) {
    throw new AuditEntryError('actor', `must be 1–${maxActorLength} characters of well-formed text`);
  }
}

export function assertTimestamp(at: unknown): asserts at is string {
  // The round trip rejects impossible dates such as month 13 that the pattern lets through.
  if (typeof at !== 'string' || !timestampPattern.test(at) || !roundTrips(at)) {
    throw new AuditEntryError('at', 'must be a UTC timestamp YYYY-MM-DDTHH:mm:ss.sssZ');
  }
}

function roundTrips(at: string): boolean {
  const ms = Date.parse(at);
  return Number.isFinite(ms) && new Date(ms).toISOString() === at;
}

/**
 * The keys of an entry in RFC 8785 order (UTF-16 code-unit order): actor, at, data, kind,
 * orgUnitId, seq. Strings serialise as JSON.stringify does and seq is a safe integer, which
 * is exactly what JCS prescribes, so these pieces around already-canonical data text are the
 * canonical text of the whole entry (the unit tests check this against `canonicalize`).
 * Verification compares the same pieces with the row's columns.
 */
export function entryPrefix(actor: string): string {
  return `{"actor":${JSON.stringify(actor)},"at":`;
}

export function entryKindAndOrgUnit(kind: string, orgUnitId: string): string {
  return `,"kind":${JSON.stringify(kind)},"orgUnitId":${JSON.stringify(orgUnitId)}`;
}

export function entrySeqTail(seq: number): string {
  return `,"seq":${String(seq)}}`;
}

/** The canonical text of an entry whose header is valid and whose data text is already canonical. */
export function composeEntryText(header: EntryHeader, dataText: string): string {
  return `${entryPrefix(header.actor)}${JSON.stringify(header.at)},"data":${dataText}${entryKindAndOrgUnit(header.kind, header.orgUnitId)}${entrySeqTail(header.seq)}`;
}

/** The exact text that is hashed and stored for an entry: its RFC 8785 canonical JSON. */
export function canonicalEntryText(entry: AuditEntry): string {
  assertEntryHeader(entry);
  return composeEntryText(entry, canonicalDataText(entry.data));
}
