import type { Logger } from 'pino';
import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { translateDatabaseError } from '../../db/errors.js';
import { appendAuditRows, appendAuditRowsIfHead, loadAuditHead, lockAuditHead } from '../../db/queries/audit.js';
import {
  auditTimestamp,
  chainDrafts,
  prepareAuditDraft,
  type AuditDraft,
  type AuditInput,
  type AuditRow,
  type ChainMark,
} from '../../engine/governance/audit/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import { AuditWriterClosedError, AuditWriterOverloadedError } from './audit-errors.js';

/**
 * The one way rows get into audit_log. Per org unit, appends that arrive while a batch is
 * being written wait and go together in the next one, so a burst costs a few commits, not
 * one per entry. A batch is one statement: move the head from the (seq, hash) the writer
 * chained after, and insert the rows, only if the head is still there. The head's row lock
 * makes concurrent writers (other processes, appendInTransaction callers) take turns, and
 * the condition means none of them can extend a head another has already moved: the chain
 * cannot fork. The head the writer remembers is only a guess at what to chain after; when
 * the guess is wrong, or a batch fails, it is read again from the database.
 */
export type AuditWriter = {
  /** Records one entry; resolves with its place in the chain once committed. */
  append(orgUnitId: string, input: AuditInput): Promise<AppendedAudit>;
  /**
   * Records entries inside the caller's transaction, so they commit or roll back with the
   * caller's own change (the kill switch engages and audits in one transaction). It takes
   * the chain's head lock, which serialises every audit write of the org unit until the
   * caller's transaction ends: call it last, and never await append() while holding it.
   */
  appendInTransaction(tx: DatabaseTransactionConnection, orgUnitId: string, inputs: readonly AuditInput[]): Promise<readonly AppendedAudit[]>;
  /** Settles once everything appended so far is committed or has failed. */
  flush(): Promise<void>;
  /** Refuses new entries and waits for the queued ones. The pool stays open (it is not the writer's). */
  close(): Promise<void>;
  stats(): AuditWriterStats;
};

export type AppendedAudit = Readonly<{ seq: number; hash: string; at: string }>;

export type AuditWriterStats = Readonly<{
  /** Entries committed through append(). */
  entries: number;
  /** Transactions append() committed them in. */
  batches: number;
  /** Batches that found the head moved by another writer and were chained again. */
  conflicts: number;
  failedBatches: number;
  largestBatch: number;
  /** Entries written through appendInTransaction (their commit is the caller's). */
  inTransaction: number;
}>;

export type AuditWriterOptions = {
  clock?: Clock;
  /** Entries per batch at most. */
  maxBatch?: number;
  /** Bytes of entry text per batch at most (a batch always takes at least one entry). */
  maxBatchBytes?: number;
  /** Entries waiting per chain at most before append() refuses. */
  maxQueued?: number;
  /** Compare-and-append attempts per batch before it queues on the head lock instead. */
  optimisticAttempts?: number;
  logger?: Pick<Logger, 'error'>;
};

type Waiting = { draft: AuditDraft; resolve(appended: AppendedAudit): void; reject(error: unknown): void };
type ChainQueue = { waiting: Waiting[]; running: Promise<void> | undefined };

const systemClock: Clock = { now: () => Date.now() };

export function createAuditWriter(pool: DatabasePool, options: AuditWriterOptions = {}): AuditWriter {
  const clock = options.clock ?? systemClock;
  const maxBatch = options.maxBatch ?? 500;
  const maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  const maxQueued = options.maxQueued ?? 100_000;
  const optimisticAttempts = options.optimisticAttempts ?? 5;
  const queues = new Map<string, ChainQueue>();
  /** Where each chain's next batch is expected to start: a guess that appendAuditRowsIfHead checks. */
  const expectedHeads = new Map<string, ChainMark>();
  let closed = false;
  const counters = { entries: 0, batches: 0, conflicts: 0, failedBatches: 0, largestBatch: 0, inTransaction: 0 };

  async function writeBatch(orgUnitId: string, drafts: readonly AuditDraft[]): Promise<readonly AuditRow[]> {
    for (let attempt = 0; attempt < optimisticAttempts; attempt += 1) {
      // After a miss the guess is wrong by definition: another writer moved the head.
      const from = (attempt === 0 ? expectedHeads.get(orgUnitId) : undefined) ?? (await loadAuditHead(pool, orgUnitId));
      const { rows, head: to } = chainDrafts(from, drafts);
      if (await appendAuditRowsIfHead(pool, { orgUnitId, from, to, rows })) {
        expectedHeads.set(orgUnitId, to);
        return rows;
      }
      counters.conflicts += 1;
    }
    // Other writers keep winning the race: wait in line on the head lock, which always progresses.
    expectedHeads.delete(orgUnitId);
    return pool.transaction(async (tx) => (await writeDrafts(tx, orgUnitId, drafts)).rows);
  }

  async function commit(orgUnitId: string, batch: readonly Waiting[]): Promise<void> {
    let rows: readonly AuditRow[];
    try {
      rows = await writeBatch(orgUnitId, batch.map((waiting) => waiting.draft));
    } catch (error) {
      // Assume nothing about the head after a failure: the next batch reads it again.
      expectedHeads.delete(orgUnitId);
      counters.failedBatches += 1;
      const translated = translateDatabaseError(error);
      options.logger?.error({ err: translated, orgUnitId, entries: batch.length }, 'audit: a batch failed; its entries were not recorded');
      for (const waiting of batch) waiting.reject(translated);
      return;
    }
    counters.batches += 1;
    counters.entries += rows.length;
    counters.largestBatch = Math.max(counters.largestBatch, rows.length);
    batch.forEach((waiting, index) => {
      const row = rows[index];
      if (row) waiting.resolve({ seq: row.seq, hash: row.hash, at: waiting.draft.at });
      else waiting.reject(new Error('audit: a committed batch returned fewer rows than it was given'));
    });
  }

  async function drain(orgUnitId: string, queue: ChainQueue): Promise<void> {
    // Let the current turn's appends join the first batch instead of trailing it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.waiting.length > 0) {
      await commit(orgUnitId, takeBatch(queue.waiting, maxBatch, maxBatchBytes));
    }
    // In the same synchronous step as the emptiness check, so no append is stranded.
    queue.running = undefined;
    queues.delete(orgUnitId);
  }

  async function flush(): Promise<void> {
    await Promise.all([...queues.values()].map((queue) => queue.running ?? Promise.resolve()));
  }

  return {
    append(orgUnitId, input) {
      return new Promise<AppendedAudit>((resolve, reject) => {
        if (closed) throw new AuditWriterClosedError();
        // Validated now, so a bad entry fails alone instead of taking its batch down with it.
        const draft = prepareAuditDraft(orgUnitId, input, auditTimestamp(clock.now()));
        let queue = queues.get(orgUnitId);
        const queued = queue?.waiting.length ?? 0;
        if (queued >= maxQueued) throw new AuditWriterOverloadedError(orgUnitId, queued);
        if (!queue) {
          queue = { waiting: [], running: undefined };
          queues.set(orgUnitId, queue);
        }
        queue.waiting.push({ draft, resolve, reject });
        queue.running ??= drain(orgUnitId, queue);
      });
    },

    async appendInTransaction(tx, orgUnitId, inputs) {
      if (closed) throw new AuditWriterClosedError();
      const at = auditTimestamp(clock.now());
      const drafts = inputs.map((input) => prepareAuditDraft(orgUnitId, input, at));
      if (drafts.length === 0) return [];
      // Chained after this writer's guess at the head in one round trip when the guess holds,
      // else after the head read under its lock. The head this write leaves is the next guess
      // as soon as the write is sent: a transaction appending meanwhile chains after this one
      // (and waits for it to commit) instead of losing the compare to it. Should the caller
      // roll back, the guess is wrong, and a wrong guess costs only a retry.
      const guess = expectedHeads.get(orgUnitId);
      const chained = guess && chainDrafts(guess, drafts);
      if (chained) expectedHeads.set(orgUnitId, chained.head);
      const written = chained && (await appendAuditRowsIfHead(tx, { orgUnitId, from: guess, to: chained.head, rows: chained.rows })) ? chained : await writeDrafts(tx, orgUnitId, drafts);
      // Unless a later append here has already guessed past it.
      if ((expectedHeads.get(orgUnitId)?.seq ?? -1) <= written.head.seq) expectedHeads.set(orgUnitId, written.head);
      counters.inTransaction += written.rows.length;
      return written.rows.map((row) => ({ seq: row.seq, hash: row.hash, at }));
    },

    flush,

    async close() {
      closed = true;
      await flush();
    },

    stats: () => ({ ...counters }),
  };
}

/** Inside a transaction: locks the head, chains the drafts after it and writes them. */
async function writeDrafts(tx: DatabaseTransactionConnection, orgUnitId: string, drafts: readonly AuditDraft[]): Promise<{ rows: readonly AuditRow[]; head: ChainMark }> {
  const from = await lockAuditHead(tx, orgUnitId);
  const chained = chainDrafts(from, drafts);
  await appendAuditRows(tx, { orgUnitId, from, to: chained.head, rows: chained.rows });
  return chained;
}

function takeBatch(waiting: Waiting[], maxBatch: number, maxBytes: number): Waiting[] {
  let count = 0;
  let bytes = 0;
  for (const next of waiting) {
    if (count >= maxBatch) break;
    // dataText.length undercounts multi-byte text; the bound only keeps statements sane.
    bytes += next.draft.dataText.length;
    if (count > 0 && bytes > maxBytes) break;
    count += 1;
  }
  return waiting.splice(0, count);
}
