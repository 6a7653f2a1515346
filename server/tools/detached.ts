import { AsyncLocalStorage } from 'node:async_hooks';

export type Detached = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * slonik refuses any query on another connection made from inside a transaction's async
 * context. The governance services (verdicts, approval requests, incidents, the audit
 * writer) and keyed tools' services write on pool connections of their own by design: a
 * verdict or an audit entry stands whether or not a caller's step commits. This runs such
 * work in the async context captured when the router was built, outside any caller's
 * transaction. It needs a pool with a spare connection: the embedded one-connection pool
 * cannot serve it while the caller holds its transaction.
 */
export function createDetached(): Detached {
  const snapshot = AsyncLocalStorage.snapshot();
  return (work) => snapshot(work);
}
