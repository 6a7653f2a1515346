import { sql, type DatabasePool } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DatabaseError, translateDatabaseError } from '../../../db/errors.js';
import { AuditHeadMismatchError, readAuditHead } from '../../../db/queries/audit.js';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { createDatabasePool, endPool } from '../../../db/pool.js';
import { AuditEntryError, type AuditInput } from '../../../engine/governance/audit/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { AuditWriterClosedError, AuditWriterOverloadedError } from '../../../server/governance/audit-errors.js';
import { verifyAuditChain } from '../../../server/governance/audit-verify.js';
import { createAuditWriter } from '../../../server/governance/audit-writer.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let db: TestDatabase;
const clock = manualClock(Date.UTC(2025, 5, 1, 12));
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

let orgCounter = 0;
async function newOrgUnit(): Promise<string> {
  orgCounter += 1;
  const id = `org_writer_${orgCounter}`;
  await upsertOrgUnit(db.pool, { id, name: id });
  return id;
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);
const input = (i: number, extra: Record<string, unknown> = {}): AuditInput => ({
  kind: 'verdict',
  actor: `agent:a${i % 7}`,
  data: { i, note: `entrée ${i} ✓`, price: i * 1.25 - 3, nested: { list: [i, -i, 2 ** 52 + i] }, ...extra },
});

const chainRow = z.object({ seq: z.number(), hash: z.string(), prev_hash: z.string(), created_at: z.date() });
async function chainRows(pool: DatabasePool, orgUnitId: string) {
  return pool.any(sql.type(chainRow)`
    SELECT seq, hash, prev_hash, created_at FROM audit_log WHERE org_unit_id = ${orgUnitId} ORDER BY seq`);
}

async function expectSoundChain(orgUnitId: string, count: number) {
  const rows = await chainRows(db.pool, orgUnitId);
  expect(rows.map((row) => row.seq)).toEqual(range(count).map((i) => i + 1));
  // No fork: every row links to the one before it, and no two rows share a predecessor.
  expect(new Set(rows.map((row) => row.prev_hash)).size).toBe(count);
  expect(await verifyAuditChain(db.pool, orgUnitId)).toMatchObject({ ok: true, count, headSeq: count });
  expect(await readAuditHead(db.pool, orgUnitId)).toEqual({ seq: count, hash: rows.at(-1)?.hash });
  return rows;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('the audit writer', () => {
  it('numbers 500 concurrent appends 1..500 without gap or fork, in far fewer transactions', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock });
    const appended = await Promise.all(range(500).map((i) => writer.append(orgUnitId, input(i))));
    expect(appended.map((a) => a.seq)).toEqual(range(500).map((i) => i + 1));
    const rows = await expectSoundChain(orgUnitId, 500);
    // Each caller hears its own row's hash.
    expect(appended.map((a) => a.hash)).toEqual(rows.map((row) => row.hash));
    const stats = writer.stats();
    expect(stats).toMatchObject({ entries: 500, failedBatches: 0 });
    expect(stats.batches).toBeLessThan(50);
    // now() is the transaction's start time: distinct created_at values count the transactions.
    expect(new Set(rows.map((row) => row.created_at.getTime())).size).toBeLessThanOrEqual(stats.batches);
    await writer.close();
  });

  it('keeps one chain when two writers (two processes) append to it at once', async () => {
    const orgUnitId = await newOrgUnit();
    // On PostgreSQL a second pool is a second process's connections; PGlite has one session, so both share it.
    const otherPool = db.kind === 'postgres' ? await createDatabasePool(db.url, { maximumPoolSize: 4, searchPath: db.schema }) : db.pool;
    try {
      const first = createAuditWriter(db.pool, { clock, maxBatch: 37 });
      const second = createAuditWriter(otherPool, { clock, maxBatch: 23 });
      // A third that always queues on the head lock, the path a writer falls back to under contention.
      const locking = createAuditWriter(otherPool, { clock, maxBatch: 11, optimisticAttempts: 0 });
      const writers = [first, second, locking];
      const appended = await Promise.all(range(600).map((i) => writers[i % 3]!.append(orgUnitId, input(i, { writer: i % 3 }))));
      const seqs = appended.map((a) => a.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(range(600).map((i) => i + 1));
      await expectSoundChain(orgUnitId, 600);
      expect(writers.map((w) => w.stats().entries)).toEqual([200, 200, 200]);
      // Each writer's guess at the head went stale under the others and was re-read, not trusted.
      expect(first.stats().conflicts + second.stats().conflicts).toBeGreaterThan(0);
      await Promise.all(writers.map((w) => w.close()));
    } finally {
      if (otherPool !== db.pool) await endPool(otherPool);
    }
  });

  it('writes entries atomically with the caller’s own change, and not at all when it rolls back', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock });
    await writer.append(orgUnitId, input(0));
    const kill = { kind: 'kill_switch.engaged', actor: 'user:founder', data: { scope: 'pricing', reason: 'drill' } } as const;

    const failed = db.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`
        INSERT INTO kill_switch_events (org_unit_id, scope, reason, engaged_by) VALUES (${orgUnitId}, 'pricing', 'drill', 'founder')`);
      await writer.appendInTransaction(tx, orgUnitId, [kill]);
      throw new Error('the caller changed its mind');
    });
    await expect(failed).rejects.toThrow('changed its mind');
    expect(await readAuditHead(db.pool, orgUnitId)).toMatchObject({ seq: 1 });

    // Queued appends and an in-transaction append interleave; the head lock keeps them in one chain.
    const inTransaction = db.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`
        INSERT INTO kill_switch_events (org_unit_id, scope, reason, engaged_by) VALUES (${orgUnitId}, 'pricing', 'drill', 'founder')`);
      return writer.appendInTransaction(tx, orgUnitId, [kill, { ...kill, kind: 'incident.opened' }]);
    });
    const [inTx, queued] = await Promise.all([inTransaction, Promise.all(range(20).map((i) => writer.append(orgUnitId, input(i))))]);
    expect(inTx.map((a) => a.seq)).toHaveLength(2);
    expect([...inTx.map((a) => a.seq), ...queued.map((a) => a.seq)].sort((a, b) => a - b)).toEqual(range(22).map((i) => i + 2));
    await expectSoundChain(orgUnitId, 23);
    // Counted when written: the rolled-back entry too, since its commit was the caller's to make.
    expect(writer.stats().inTransaction).toBe(3);
    await writer.close();
  });

  it('refuses a bad entry alone, before it can share a batch', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock });
    const results = await Promise.allSettled([
      writer.append(orgUnitId, input(1)),
      writer.append(orgUnitId, input(2, { broken: Number.NaN })),
      writer.append(orgUnitId, { ...input(3), kind: 'not.a.kind' as AuditInput['kind'] }),
      writer.append(orgUnitId, input(4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AuditEntryError] : []));
    expect(reasons.map((e) => [e.constructor, e.field])).toEqual([
      [AuditEntryError, 'data.broken'],
      [AuditEntryError, 'kind'],
    ]);
    expect(writer.stats()).toMatchObject({ entries: 2, failedBatches: 0 });
    await expectSoundChain(orgUnitId, 2);
    await writer.close();
  });

  it('rejects every caller of a failed batch, leaves other chains alone, and carries on from the database', async () => {
    const writer = createAuditWriter(db.pool, { clock });
    const healthy = await newOrgUnit();
    const missing = 'org_writer_not_yet';
    const [missingResults, healthyResults] = await Promise.all([
      Promise.allSettled(range(5).map((i) => writer.append(missing, input(i)))),
      Promise.all(range(5).map((i) => writer.append(healthy, input(i)))),
    ]);
    for (const result of missingResults) {
      expect(result.status).toBe('rejected');
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'DB_FOREIGN_KEY_VIOLATION' });
    }
    expect(healthyResults.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(writer.stats().failedBatches).toBeGreaterThanOrEqual(1);

    await upsertOrgUnit(db.pool, { id: missing, name: 'Late' });
    expect((await writer.append(missing, input(9))).seq).toBe(1);
    await expectSoundChain(missing, 1);
    await writer.close();
  });

  it('refuses to extend a chain whose head does not point at its last row', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock });
    await Promise.all(range(3).map((i) => writer.append(orgUnitId, input(i))));
    await db.pool.query(sql.unsafe`UPDATE audit_heads SET hash = ${'e'.repeat(64)} WHERE org_unit_id = ${orgUnitId}`);
    expect(await rejection(writer.append(orgUnitId, input(4)))).toBeInstanceOf(AuditHeadMismatchError);
    expect(await verifyAuditChain(db.pool, orgUnitId)).toMatchObject({ ok: false, reason: 'head_mismatch', firstBadSeq: 3 });
    await writer.close();
  });

  it('flushes what is queued on close and refuses appends after it', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock });
    const pending = range(10).map((i) => writer.append(orgUnitId, input(i)));
    await writer.close();
    expect((await Promise.all(pending)).map((a) => a.seq)).toEqual(range(10).map((i) => i + 1));
    expect(await rejection(writer.append(orgUnitId, input(11)))).toBeInstanceOf(AuditWriterClosedError);
  });

  it('refuses appends beyond its queue limit instead of buffering without bound', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock, maxQueued: 3 });
    const results = await Promise.allSettled(range(5).map((i) => writer.append(orgUnitId, input(i))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refused = results.at(-1);
    expect(refused?.status === 'rejected' ? refused.reason : undefined).toBeInstanceOf(AuditWriterOverloadedError);
    await expectSoundChain(orgUnitId, 3);
    await writer.close();
  });

  it('stamps entries with the injected clock, not the database’s', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock: manualClock(Date.UTC(2001, 0, 2, 3, 4, 5, 6)) });
    const appended = await writer.append(orgUnitId, input(1));
    expect(appended.at).toBe('2001-01-02T03:04:05.006Z');
    const entry = await db.pool.oneFirst(sql.type(z.object({ entry: z.string() }))`
      SELECT entry FROM audit_log WHERE org_unit_id = ${orgUnitId} AND seq = 1`);
    expect(JSON.parse(entry)).toMatchObject({ at: '2001-01-02T03:04:05.006Z', seq: 1, orgUnitId, kind: 'verdict' });
    await writer.close();
  });
});

describe('audit_log in the database', () => {
  it('rejects UPDATE, DELETE and TRUNCATE', async () => {
    const orgUnitId = await newOrgUnit();
    const writer = createAuditWriter(db.pool, { clock });
    await writer.append(orgUnitId, input(1));
    await writer.close();
    const statements = [
      sql.unsafe`UPDATE audit_log SET actor = 'someone else' WHERE org_unit_id = ${orgUnitId}`,
      sql.unsafe`DELETE FROM audit_log WHERE org_unit_id = ${orgUnitId}`,
      sql.unsafe`TRUNCATE audit_log CASCADE`,
    ];
    for (const statement of statements) {
      const error = translateDatabaseError(await rejection(db.pool.query(statement)));
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ code: 'DB_APPEND_ONLY' });
    }
    await expectSoundChain(orgUnitId, 1);
  });
});
