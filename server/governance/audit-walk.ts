import type { DatabasePool } from 'slonik';
import { auditCheckpointMarks, auditRowsInRange, readAuditChainExtent } from '../../db/queries/audit.js';
import {
  genesisMark,
  verifyChain,
  verifyChainEnd,
  type AuditRow,
  type ChainBroken,
  type ChainMark,
} from '../../engine/governance/audit/index.js';

export type AuditWalkOptions = {
  /** Seqs per query; two pages are in memory at a time (one being verified, one in flight). */
  pageSize?: number;
  /** Checkpoints held outside the database, checked with the ones stored in it. */
  checkpoints?: readonly ChainMark[];
  /** Parse every entry and require its exact canonical form too. */
  deep?: boolean;
  /** After each page: rows verified so far, and how many the chain should have. */
  onProgress?: (progress: Readonly<{ verified: number; total: number }>) => void;
  /** Receives each page's verified rows in order (the export writes them out here). */
  onRows?: (rows: readonly AuditRow[]) => Promise<void> | void;
};

export type AuditWalkResult =
  | Readonly<{ ok: true; orgUnitId: string; count: number; headSeq: number; headHash: string; checkpointsChecked: number }>
  | (ChainBroken & Readonly<{ orgUnitId: string; verifiedCount: number }>);

/**
 * Walks one org unit's chain from row 1 in pages of seq ranges, verifying as it goes, with
 * the next range already being fetched while the current one is checked. Appends that
 * commit during the walk are left for the next one: it reads up to the head and the last
 * row as they stood together when it began.
 */
export async function walkAuditChain(pool: DatabasePool, orgUnitId: string, options: AuditWalkOptions = {}): Promise<AuditWalkResult> {
  const pageSize = options.pageSize ?? 5000;
  const [extent, stored] = await Promise.all([readAuditChainExtent(pool, orgUnitId), auditCheckpointMarks(pool, orgUnitId)]);
  const checkpoints = [...stored, ...(options.checkpoints ?? [])];
  const endSeq = Math.max(extent.head?.seq ?? 0, extent.lastSeq);
  const fetchPage = (afterSeq: number) =>
    afterSeq < endSeq ? auditRowsInRange(pool, { orgUnitId, afterSeq, throughSeq: Math.min(afterSeq + pageSize, endSeq) }) : undefined;

  let position = { lastSeq: 0, headHash: genesisMark.hash };
  let verified = 0;
  let next = fetchPage(0);
  for (let pageStart = 0; next; pageStart += pageSize) {
    const page = await next;
    next = fetchPage(pageStart + pageSize);
    // Let the next query reach the database before verifying: the pool only sends it once
    // this turn ends, and verifying is synchronous.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const result = verifyChain(page, {
      orgUnitId,
      expectedStartSeq: position.lastSeq + 1,
      expectedPrevHash: position.headHash,
      checkpoints,
      deep: options.deep,
    });
    if (!result.ok) {
      // Settle the prefetch before returning so its failure, if any, is not left unhandled.
      await next?.catch(() => undefined);
      await options.onRows?.(page.filter((row) => row.seq < result.firstBadSeq));
      return { ...result, orgUnitId, verifiedCount: verified + (result.firstBadSeq - position.lastSeq - 1) };
    }
    await options.onRows?.(page);
    verified += result.count;
    position = { lastSeq: result.lastSeq, headHash: result.headHash };
    options.onProgress?.({ verified, total: endSeq });
  }

  // A chain with rows but no head row lost its head: compare with genesis so that shows.
  const head = extent.head ?? (extent.lastSeq > 0 ? genesisMark : undefined);
  const ending = verifyChainEnd(position, { head, checkpoints });
  if (ending) return { ...ending, orgUnitId, verifiedCount: verified };
  return { ok: true, orgUnitId, count: verified, headSeq: position.lastSeq, headHash: position.headHash, checkpointsChecked: checkpoints.length };
}
