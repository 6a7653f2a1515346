import type { DatabasePool } from 'slonik';
import type { ChainMark } from '../../engine/governance/audit/index.js';
import { walkAuditChain, type AuditWalkResult } from './audit-walk.js';

export type AuditVerifyOptions = {
  pageSize?: number;
  onProgress?: (progress: Readonly<{ verified: number; total: number }>) => void;
  /** Checkpoints kept outside the database (an exported checkpoint file), checked as well as the stored ones. */
  checkpoints?: readonly ChainMark[];
  /** Parse every entry and require its exact canonical form (slower). */
  deep?: boolean;
};

export type AuditVerifyResult = AuditWalkResult;

/**
 * Verifies an org unit's whole chain and, when it is broken, names the first bad row and
 * why. Memory stays constant whatever the chain's length. For `bos audit verify` and the
 * API; a broken chain is a result, not an exception.
 */
export async function verifyAuditChain(pool: DatabasePool, orgUnitId: string, options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  return walkAuditChain(pool, orgUnitId, options);
}
