/**
 * An audit entry the chain refuses before it can share a batch with anyone else's: the
 * field path names what is wrong (`data.items[2].price`, `kind`, ...).
 */
export class AuditEntryError extends Error {
  readonly code = 'AUDIT_ENTRY_INVALID';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
    this.name = 'AuditEntryError';
  }
}
