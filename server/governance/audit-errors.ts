import type { ChainBroken } from '../../engine/governance/audit/index.js';

/** append() after close(): the server is shutting down and the entry was not recorded. */
export class AuditWriterClosedError extends Error {
  readonly code = 'AUDIT_WRITER_CLOSED';
  constructor() {
    super('the audit writer is closed; the entry was not recorded');
    this.name = 'AuditWriterClosedError';
  }
}

/** More entries waiting for one chain than the writer will hold: the database is not keeping up. */
export class AuditWriterOverloadedError extends Error {
  readonly code = 'AUDIT_WRITER_OVERLOADED';
  constructor(
    readonly orgUnitId: string,
    readonly queued: number,
  ) {
    super(`${queued} audit entries are already waiting for the chain of ${orgUnitId}; the entry was not recorded`);
    this.name = 'AuditWriterOverloadedError';
  }
}

/** An export stopped at a broken row: exporting past it would vouch for a tampered chain. */
export class AuditChainBrokenError extends Error {
  readonly code = 'AUDIT_CHAIN_BROKEN';
  constructor(
    readonly orgUnitId: string,
    readonly failure: ChainBroken,
  ) {
    super(`the audit chain of ${orgUnitId} is broken at row ${failure.firstBadSeq} (${failure.reason}): ${failure.detail}`);
    this.name = 'AuditChainBrokenError';
  }
}
