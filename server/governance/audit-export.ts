import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { DatabasePool } from 'slonik';
import { insertAuditCheckpoint } from '../../db/queries/audit.js';
import { auditTimestamp, formatExportLine, type AuditCheckpoint } from '../../engine/governance/audit/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import { AuditChainBrokenError } from './audit-errors.js';
import { walkAuditChain } from './audit-walk.js';

export type AuditExportOptions = {
  pageSize?: number;
  clock?: Clock;
  onProgress?: (progress: Readonly<{ verified: number; total: number }>) => void;
};

const systemClock: Clock = { now: () => Date.now() };

/**
 * Writes an org unit's chain to `writable` as JSON Lines (docs/audit-format.md), verifying
 * every row before it is written, then stores and returns the checkpoint for the rows
 * written. The stream is left open for the caller to end. A broken chain throws
 * AuditChainBrokenError after the rows before the break: no checkpoint vouches for it.
 */
export async function exportAuditChain(
  pool: DatabasePool,
  orgUnitId: string,
  writable: Writable,
  options: AuditExportOptions = {},
): Promise<AuditCheckpoint> {
  const clock = options.clock ?? systemClock;
  const result = await walkAuditChain(pool, orgUnitId, {
    pageSize: options.pageSize,
    onProgress: options.onProgress,
    onRows: async (rows) => {
      if (rows.length === 0) return;
      if (!writable.write(rows.map(formatExportLine).join(''))) await once(writable, 'drain');
    },
  });
  if (!result.ok) throw new AuditChainBrokenError(orgUnitId, result);
  const checkpoint: AuditCheckpoint = {
    orgUnitId,
    seq: result.headSeq,
    headHash: result.headHash,
    count: result.count,
    exportedAt: auditTimestamp(clock.now()),
  };
  await insertAuditCheckpoint(pool, { orgUnitId, seq: checkpoint.seq, headHash: checkpoint.headHash, count: checkpoint.count });
  return checkpoint;
}
