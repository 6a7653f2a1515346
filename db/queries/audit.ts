import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { genesisHash, type AuditRow, type ChainMark } from '../../engine/governance/audit/index.js';
import { DatabaseError } from '../errors.js';

/**
 * The audit chain (db/migrations/002_governance.sql). audit_log is append-only by trigger;
 * audit_heads holds each org unit's last (seq, hash), and its row lock is what makes one
 * writer at a time per chain, across every process sharing the database.
 */

const hashText = z.string().regex(/^[0-9a-f]{64}$/);

const headRow = z.object({ seq: z.number().int().nonnegative(), hash: hashText });

export class AuditHeadMismatchError extends Error {
  readonly code = 'AUDIT_HEAD_MISMATCH';
  constructor(
    readonly orgUnitId: string,
    readonly head: ChainMark,
    readonly rowHash: string | null,
  ) {
    super(`the audit head of ${orgUnitId} (row ${head.seq}, ${head.hash}) does not match that row (${rowHash ?? 'missing'}); refusing to extend the chain`);
    this.name = 'AuditHeadMismatchError';
  }
}

function rowTuples(rows: readonly AuditRow[]) {
  return sql.unnest(
    rows.map((row) => [row.seq, row.kind, row.actor, row.entry, row.prevHash, row.hash]),
    ['int8', 'text', 'text', 'text', 'text', 'text'],
  );
}

/**
 * Locks the org unit's chain head until the transaction ends and returns it, creating it at
 * genesis for a new chain.
 */
export async function lockAuditHead(tx: CommonQueryMethods, orgUnitId: string): Promise<ChainMark> {
  const existing = await selectHeadForUpdate(tx, orgUnitId);
  if (existing) return existing;
  // Two first appends may race: DO NOTHING waits for the other and then the SELECT sees its row.
  await tx.query(sql.unsafe`
    INSERT INTO audit_heads (org_unit_id, seq, hash) VALUES (${orgUnitId}, 0, ${genesisHash})
    ON CONFLICT (org_unit_id) DO NOTHING`);
  const created = await selectHeadForUpdate(tx, orgUnitId);
  if (!created) throw new DatabaseError('DB_ERROR', `the audit head of ${orgUnitId} vanished while being created`, { table: 'audit_heads' });
  return created;
}

async function selectHeadForUpdate(tx: CommonQueryMethods, orgUnitId: string): Promise<ChainMark | null> {
  return tx.maybeOne(sql.type(headRow)`SELECT seq, hash FROM audit_heads WHERE org_unit_id = ${orgUnitId} FOR UPDATE`);
}

const appendedRow = z.object({ moved: z.number().int(), row_hash: hashText.nullable() });

/**
 * Inserts rows that continue the locked head `from` and moves the head to `to`, in one
 * statement. The caller holds the head lock in this transaction (lockAuditHead).
 *
 * The same statement refuses a head that does not point at its own last row: the chain was
 * tampered with, and extending it would bury that. The check lives here, not in the locking
 * SELECT, because under READ COMMITTED a SELECT ... FOR UPDATE that waited for the lock
 * re-reads the locked row but evaluates everything else in its older snapshot, where the
 * rows the previous batch committed do not exist yet.
 */
export async function appendAuditRows(
  tx: CommonQueryMethods,
  args: { orgUnitId: string; from: ChainMark; to: ChainMark; rows: readonly AuditRow[] },
): Promise<void> {
  if (args.rows.length === 0) return;
  const { orgUnitId, from, to } = args;
  const result = await tx.one(sql.type(appendedRow)`
    WITH inserted AS (
      INSERT INTO audit_log (org_unit_id, seq, kind, actor, entry, prev_hash, hash)
      SELECT ${orgUnitId}, t.seq, t.kind, t.actor, t.entry, t.prev_hash, t.hash
        FROM ${rowTuples(args.rows)} AS t(seq, kind, actor, entry, prev_hash, hash)
      RETURNING 1
    ), last_row AS (
      SELECT hash FROM audit_log WHERE org_unit_id = ${orgUnitId} AND seq = ${from.seq}
    ), moved AS (
      UPDATE audit_heads SET seq = ${to.seq}, hash = ${to.hash}
       WHERE org_unit_id = ${orgUnitId} AND seq = ${from.seq} AND hash = ${from.hash}
         AND (SELECT count(*) FROM inserted) = ${args.rows.length}
         AND (${from.seq} = 0 OR EXISTS (SELECT 1 FROM last_row WHERE hash = ${from.hash}))
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT hash FROM last_row) AS row_hash`);
  if (result.moved === 1) return;
  // Throwing makes the caller's transaction roll the inserted rows back.
  if (!pointsAtItsRow(from, result.row_hash)) throw new AuditHeadMismatchError(orgUnitId, from, result.row_hash);
  throw new DatabaseError('DB_ERROR', `the audit head of ${orgUnitId} moved while a batch was written`, { table: 'audit_heads' });
}

const checkedHeadRow = headRow.extend({ row_hash: hashText.nullable() });

/**
 * The committed head, created at genesis for a new chain, for a writer to chain after
 * without holding a lock (appendAuditRowsIfHead then checks it did not move). Refuses a
 * head that does not point at its own last row: the chain was tampered with, and extending
 * it would bury that. Head and row come from one statement, so from one snapshot.
 */
export async function loadAuditHead(db: CommonQueryMethods, orgUnitId: string): Promise<ChainMark> {
  const read = () =>
    db.maybeOne(sql.type(checkedHeadRow)`
      SELECT h.seq, h.hash, (SELECT l.hash FROM audit_log l WHERE l.org_unit_id = h.org_unit_id AND l.seq = h.seq) AS row_hash
        FROM audit_heads h WHERE h.org_unit_id = ${orgUnitId}`);
  let head = await read();
  if (!head) {
    await db.query(sql.unsafe`
      INSERT INTO audit_heads (org_unit_id, seq, hash) VALUES (${orgUnitId}, 0, ${genesisHash})
      ON CONFLICT (org_unit_id) DO NOTHING`);
    head = await read();
  }
  if (!head) throw new DatabaseError('DB_ERROR', `the audit head of ${orgUnitId} vanished while being created`, { table: 'audit_heads' });
  const mark = { seq: head.seq, hash: head.hash };
  if (!pointsAtItsRow(mark, head.row_hash)) throw new AuditHeadMismatchError(orgUnitId, mark, head.row_hash);
  return mark;
}

function pointsAtItsRow(head: ChainMark, rowHash: string | null): boolean {
  return head.seq === 0 ? head.hash === genesisHash : rowHash === head.hash;
}

/**
 * Compare-and-append in one statement, atomic on its own (no transaction, one round trip):
 * moves the head from `from` to `to` and inserts the rows, or does nothing and returns
 * false when the head is no longer `from`. The UPDATE takes the head's row lock, so a
 * concurrent writer waits and then re-checks the condition against the committed head:
 * two writers can never both extend the same head, and neither needs to hold a lock while
 * it computes hashes.
 */
export async function appendAuditRowsIfHead(
  db: CommonQueryMethods,
  args: { orgUnitId: string; from: ChainMark; to: ChainMark; rows: readonly AuditRow[] },
): Promise<boolean> {
  const { orgUnitId, from, to, rows } = args;
  if (rows.length === 0) return true;
  const result = await db.one(sql.type(z.object({ moved: z.number().int(), inserted: z.number().int() }))`/* prepared */
    WITH moved AS (
      UPDATE audit_heads SET seq = ${to.seq}, hash = ${to.hash}
       WHERE org_unit_id = ${orgUnitId} AND seq = ${from.seq} AND hash = ${from.hash}
      RETURNING 1
    ), inserted AS (
      INSERT INTO audit_log (org_unit_id, seq, kind, actor, entry, prev_hash, hash)
      SELECT ${orgUnitId}, t.seq, t.kind, t.actor, t.entry, t.prev_hash, t.hash
        FROM ${rowTuples(rows)} AS t(seq, kind, actor, entry, prev_hash, hash)
       WHERE EXISTS (SELECT 1 FROM moved)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM inserted)::int AS inserted`);
  // An INSERT ... SELECT either inserts every row or fails the statement; anything else is a bug worth stopping for.
  if (result.moved === 1 && result.inserted !== rows.length) {
    throw new DatabaseError('DB_ERROR', `audit append for ${orgUnitId} inserted ${result.inserted} of ${rows.length} rows`, { table: 'audit_log' });
  }
  return result.moved === 1;
}

/** The head as committed, without locking it; null before the org unit's first entry. */
export async function readAuditHead(db: CommonQueryMethods, orgUnitId: string): Promise<ChainMark | null> {
  return db.maybeOne(sql.type(headRow)`
    SELECT seq, hash FROM audit_heads WHERE org_unit_id = ${orgUnitId}`);
}

/**
 * The head and the highest seq present, read in one statement so they come from one
 * snapshot: rows beyond the head then mean tampering, not an append racing the read.
 */
export async function readAuditChainExtent(db: CommonQueryMethods, orgUnitId: string): Promise<{ head: ChainMark | null; lastSeq: number }> {
  const extent = await db.one(sql.type(z.object({ head_seq: z.number().int().nullable(), head_hash: hashText.nullable(), last_seq: z.number().int() }))`
    SELECT h.seq AS head_seq, h.hash AS head_hash,
           (SELECT coalesce(max(l.seq), 0) FROM audit_log l WHERE l.org_unit_id = ${orgUnitId}) AS last_seq
      FROM (SELECT ${orgUnitId}::text AS org_unit_id) o
      LEFT JOIN audit_heads h ON h.org_unit_id = o.org_unit_id`);
  const head = extent.head_seq === null || extent.head_hash === null ? null : { seq: extent.head_seq, hash: extent.head_hash };
  return { head, lastSeq: extent.last_seq };
}

/** One row of audit_log as the verifier reads it (hashes are held to their pattern by the table's CHECKs). */
export const auditRow = z.object({
  orgUnitId: z.string(),
  seq: z.number().int().positive(),
  kind: z.string(),
  actor: z.string(),
  entry: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

/**
 * The same checks as `auditRow`, in place. Verification reads every row of a chain, and a
 * zod object parse copies each one: a seventh of the walk's CPU at 200,000 rows a second.
 */
function parseAuditRows(rows: readonly unknown[]): readonly AuditRow[] {
  for (const value of rows) {
    const row = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const { seq } = row;
    const wellFormed =
      typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 && typeof row.orgUnitId === 'string' &&
      typeof row.kind === 'string' && typeof row.actor === 'string' &&
      typeof row.entry === 'string' && typeof row.prevHash === 'string' && typeof row.hash === 'string';
    if (!wellFormed) {
      const parsed = auditRow.safeParse(value);
      throw new DatabaseError('DB_ERROR', `audit_log returned a malformed row: ${parsed.error?.message ?? 'unknown shape'}`, { table: 'audit_log' });
    }
  }
  return rows as readonly AuditRow[];
}

/**
 * Rows with afterSeq < seq <= throughSeq in seq order: a page is a seq range rather than a
 * LIMIT, so its cost stays bounded by the range whatever plan stale statistics produce (an
 * open-ended range once made each page sort the rest of the chain).
 */
export async function auditRowsInRange(
  db: CommonQueryMethods,
  args: { orgUnitId: string; afterSeq: number; throughSeq: number },
): Promise<readonly AuditRow[]> {
  const rows: readonly unknown[] = await db.any(sql.unsafe`
    SELECT org_unit_id AS "orgUnitId", seq, kind, actor, entry, prev_hash AS "prevHash", hash
      FROM audit_log
     WHERE org_unit_id = ${args.orgUnitId} AND seq > ${args.afterSeq} AND seq <= ${args.throughSeq}
     ORDER BY seq`);
  return parseAuditRows(rows);
}

export async function countAuditRows(db: CommonQueryMethods, orgUnitId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ count: z.number().int() }))`
    SELECT count(*)::int8 AS count FROM audit_log WHERE org_unit_id = ${orgUnitId}`);
}

export const auditCheckpointRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  seq: z.number().int().nonnegative(),
  head_hash: hashText,
  entry_count: z.number().int().nonnegative(),
  created_at: z.date(),
});
export type AuditCheckpointRow = z.infer<typeof auditCheckpointRow>;

const checkpointColumns = sql.fragment`id, org_unit_id, seq, head_hash, entry_count, created_at`;

export async function insertAuditCheckpoint(
  db: CommonQueryMethods,
  args: { orgUnitId: string; seq: number; headHash: string; count: number },
): Promise<AuditCheckpointRow> {
  return db.one(sql.type(auditCheckpointRow)`
    INSERT INTO audit_checkpoints (org_unit_id, seq, head_hash, entry_count)
    VALUES (${args.orgUnitId}, ${args.seq}, ${args.headHash}, ${args.count})
    RETURNING ${checkpointColumns}`);
}

export async function latestAuditCheckpoint(db: CommonQueryMethods, orgUnitId: string): Promise<AuditCheckpointRow | null> {
  return db.maybeOne(sql.type(auditCheckpointRow)`
    SELECT ${checkpointColumns} FROM audit_checkpoints
     WHERE org_unit_id = ${orgUnitId} ORDER BY seq DESC, created_at DESC LIMIT 1`);
}

/** Every (seq, hash) the org unit's stored checkpoints vouch for, in seq order. */
export async function auditCheckpointMarks(db: CommonQueryMethods, orgUnitId: string): Promise<readonly ChainMark[]> {
  return db.any(sql.type(z.object({ seq: z.number().int().nonnegative(), hash: hashText }))`
    SELECT DISTINCT seq, head_hash AS hash FROM audit_checkpoints WHERE org_unit_id = ${orgUnitId} ORDER BY seq, hash`);
}
