import canonicalize from 'canonicalize';
import { hashPattern, orgUnitIdPattern, timestampPattern, type AuditRow } from './audit-entry.js';

/**
 * The export file is JSON Lines: one row per line, each line the RFC 8785 text of
 * {actor, entry, hash, kind, orgUnitId, prevHash, seq} and a "\n". `entry` carries the exact
 * hashed text as a JSON string, so `jq -j .entry` gives back its bytes. The checkpoint is a
 * separate one-line document meant to be kept somewhere the database's owner cannot reach.
 */
export type AuditCheckpoint = Readonly<{
  orgUnitId: string;
  /** The last seq exported (0 for an empty chain). */
  seq: number;
  /** That row's hash (the genesis hash for an empty chain). */
  headHash: string;
  /** Rows exported; equal to seq for a whole chain. */
  count: number;
  /** The exporter's clock, YYYY-MM-DDTHH:mm:ss.sssZ. */
  exportedAt: string;
}>;

export class AuditExportFormatError extends Error {
  readonly code = 'AUDIT_EXPORT_MALFORMED';
  constructor(message: string) {
    super(message);
    this.name = 'AuditExportFormatError';
  }
}

/** One export line, newline included. */
export function formatExportLine(row: AuditRow): string {
  // Built by hand in RFC 8785 key order; the unit tests hold it equal to canonicalize().
  return `{"actor":${JSON.stringify(row.actor)},"entry":${JSON.stringify(row.entry)},"hash":${JSON.stringify(row.hash)},"kind":${JSON.stringify(row.kind)},"orgUnitId":${JSON.stringify(row.orgUnitId)},"prevHash":${JSON.stringify(row.prevHash)},"seq":${String(row.seq)}}\n`;
}

/** A row back from one export line (without its newline); shape only: verifyChain judges the content. */
export function parseExportLine(line: string): AuditRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new AuditExportFormatError('the line is not JSON');
  }
  const record = asRecord(value, 'the line');
  const row = {
    orgUnitId: text(record, 'orgUnitId'),
    seq: positiveInteger(record, 'seq'),
    kind: text(record, 'kind'),
    actor: text(record, 'actor'),
    entry: text(record, 'entry'),
    prevHash: hashText(record, 'prevHash'),
    hash: hashText(record, 'hash'),
  };
  return row;
}

export function formatCheckpoint(checkpoint: AuditCheckpoint): string {
  return `${canonicalize({ ...checkpoint }) ?? ''}\n`;
}

export function parseCheckpoint(source: string): AuditCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    throw new AuditExportFormatError('the checkpoint is not JSON');
  }
  const record = asRecord(value, 'the checkpoint');
  const orgUnitId = text(record, 'orgUnitId');
  if (!orgUnitIdPattern.test(orgUnitId)) throw new AuditExportFormatError('orgUnitId is not an org unit id');
  const exportedAt = text(record, 'exportedAt');
  if (!timestampPattern.test(exportedAt)) throw new AuditExportFormatError('exportedAt is not a YYYY-MM-DDTHH:mm:ss.sssZ timestamp');
  return {
    orgUnitId,
    seq: nonNegativeInteger(record, 'seq'),
    headHash: hashText(record, 'headHash'),
    count: nonNegativeInteger(record, 'count'),
    exportedAt,
  };
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AuditExportFormatError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function text(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw new AuditExportFormatError(`${key} is not a string`);
  return value;
}

function hashText(record: Record<string, unknown>, key: string): string {
  const value = text(record, key);
  if (!hashPattern.test(value)) throw new AuditExportFormatError(`${key} is not 64 lowercase hex digits`);
  return value;
}

function nonNegativeInteger(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new AuditExportFormatError(`${key} is not a non-negative integer`);
  return value;
}

function positiveInteger(record: Record<string, unknown>, key: string): number {
  const value = nonNegativeInteger(record, key);
  if (value === 0) throw new AuditExportFormatError(`${key} must be at least 1`);
  return value;
}
