import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql, type QuerySqlToken } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditCheckpointMarks, latestAuditCheckpoint, readAuditHead } from '../../../db/queries/audit.js';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import {
  chainHash,
  genesisHash,
  parseCheckpoint,
  parseExportLine,
  verifyChain,
  formatCheckpoint,
  type AuditInput,
} from '../../../engine/governance/audit/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { AuditChainBrokenError } from '../../../server/governance/audit-errors.js';
import { exportAuditChain } from '../../../server/governance/audit-export.js';
import { verifyAuditChain } from '../../../server/governance/audit-verify.js';
import { createAuditWriter, type AuditWriter } from '../../../server/governance/audit-writer.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let db: TestDatabase;
let writer: AuditWriter;
let dir: string;
const clock = manualClock(Date.UTC(2025, 5, 1, 12));
beforeAll(async () => {
  db = await createTestDatabase();
  writer = createAuditWriter(db.pool, { clock });
  dir = await mkdtemp(path.join(tmpdir(), 'bos-audit-'));
});
afterAll(async () => {
  await writer.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const rowCount = 40;
const pageSize = 7;
let orgCounter = 0;

/** A fresh org unit with a chain of `count` rows whose data exercises escaping and numbers. */
async function chainOf(count = rowCount): Promise<string> {
  orgCounter += 1;
  const orgUnitId = `org_audit_${orgCounter}`;
  await upsertOrgUnit(db.pool, { id: orgUnitId, name: orgUnitId });
  const inputs: AuditInput[] = Array.from({ length: count }, (_, i) => ({
    kind: i % 4 === 0 ? 'approval.decided' : 'verdict',
    actor: i % 3 === 0 ? 'user:zoë' : 'agent:pricer',
    data: { i, note: `tab\there "quoted" ✓ 😀 line\nbreak`, price: -i * 0.1, big: 2 ** 53 - i, list: [[i], { deep: [null, true] }] },
  }));
  for (const input of inputs) {
    clock.advance(1000);
    await writer.append(orgUnitId, input);
  }
  return orgUnitId;
}

/** Runs statements with the append-only trigger off, as only the table's owner or a superuser can. */
async function tamper(...statements: QuerySqlToken[]): Promise<void> {
  await db.pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    for (const statement of statements) await tx.query(statement);
    await tx.query(sql.unsafe`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
  });
}

const chainRow = z.object({ seq: z.number(), entry: z.string(), hash: z.string(), prev_hash: z.string() });
const rowsOf = (orgUnitId: string) =>
  db.pool.any(sql.type(chainRow)`SELECT seq, entry, hash, prev_hash FROM audit_log WHERE org_unit_id = ${orgUnitId} ORDER BY seq`);

async function exportToFile(orgUnitId: string) {
  const file = path.join(dir, `${orgUnitId}.jsonl`);
  const out = createWriteStream(file);
  const checkpoint = await exportAuditChain(db.pool, orgUnitId, out, { pageSize, clock });
  out.end();
  await finished(out);
  const checkpointFile = `${file}.checkpoint.json`;
  await writeFile(checkpointFile, formatCheckpoint(checkpoint));
  return { file, checkpointFile, checkpoint };
}

/** The recompute script exactly as docs/audit-format.md prints it. */
async function recomputeScript(): Promise<string> {
  const doc = await readFile(path.join(repoRoot, 'docs/audit-format.md'), 'utf8');
  const block = /<!-- recompute\.sh[^>]*-->\s*```bash\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/audit-format.md has no recompute.sh block');
  const script = path.join(dir, 'recompute.sh');
  await writeFile(script, block, { mode: 0o755 });
  return script;
}

describe('verifyAuditChain', () => {
  it('verifies a sound chain page by page and reports progress', async () => {
    const orgUnitId = await chainOf();
    const progress: number[] = [];
    const result = await verifyAuditChain(db.pool, orgUnitId, { pageSize, onProgress: (p) => progress.push(p.verified) });
    const head = await readAuditHead(db.pool, orgUnitId);
    expect(result).toEqual({ ok: true, orgUnitId, count: rowCount, headSeq: rowCount, headHash: head?.hash, checkpointsChecked: 0 });
    expect(progress).toEqual([7, 14, 21, 28, 35, 40]);
    expect(await verifyAuditChain(db.pool, orgUnitId, { deep: true })).toMatchObject({ ok: true, count: rowCount });
  });

  it('verifies an empty chain', async () => {
    const orgUnitId = await chainOf(0);
    expect(await verifyAuditChain(db.pool, orgUnitId)).toMatchObject({ ok: true, count: 0, headSeq: 0, headHash: genesisHash });
  });

  it('names a row whose entry was edited in the database', async () => {
    const orgUnitId = await chainOf();
    await tamper(sql.unsafe`UPDATE audit_log SET entry = replace(entry, '"i":16,', '"i":999,') WHERE org_unit_id = ${orgUnitId} AND seq = 17`);
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: false, firstBadSeq: 17, reason: 'hash_mismatch', verifiedCount: 16 });
  });

  it('names the first missing row when a row was deleted', async () => {
    const orgUnitId = await chainOf();
    await tamper(sql.unsafe`DELETE FROM audit_log WHERE org_unit_id = ${orgUnitId} AND seq = 23`);
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: false, firstBadSeq: 23, reason: 'gap' });
  });

  it('names a row whose kind column no longer matches its entry', async () => {
    const orgUnitId = await chainOf();
    await tamper(sql.unsafe`UPDATE audit_log SET kind = 'policy.changed' WHERE org_unit_id = ${orgUnitId} AND seq = 9`);
    const result = await verifyAuditChain(db.pool, orgUnitId, { pageSize });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 9, reason: 'entry_mismatch' });
    if (!result.ok) expect(result.detail).toContain('kind');
  });

  it('names the lower of two rows whose contents were swapped', async () => {
    const orgUnitId = await chainOf();
    await tamper(sql.unsafe`
      UPDATE audit_log a SET entry = b.entry, prev_hash = b.prev_hash, hash = b.hash, kind = b.kind, actor = b.actor
        FROM audit_log b
       WHERE a.org_unit_id = ${orgUnitId} AND b.org_unit_id = ${orgUnitId}
         AND ((a.seq = 5 AND b.seq = 12) OR (a.seq = 12 AND b.seq = 5))`);
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'broken_link' });
  });

  it('detects a cut tail against the head, and against a checkpoint when the head was moved back too', async () => {
    const orgUnitId = await chainOf();
    const { checkpoint } = await exportToFile(orgUnitId);
    await tamper(sql.unsafe`DELETE FROM audit_log WHERE org_unit_id = ${orgUnitId} AND seq > 35`);
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: false, firstBadSeq: 36, reason: 'truncated' });

    const [row35] = (await rowsOf(orgUnitId)).filter((row) => row.seq === 35);
    await db.pool.query(sql.unsafe`UPDATE audit_heads SET seq = 35, hash = ${row35!.hash} WHERE org_unit_id = ${orgUnitId}`);
    // The checkpoint stored by the export still catches it ...
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: false, firstBadSeq: 36, reason: 'truncated' });
    // ... and once that is deleted too, only the copy kept outside the database does.
    await db.pool.query(sql.unsafe`DELETE FROM audit_checkpoints WHERE org_unit_id = ${orgUnitId}`);
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: true, count: 35 });
    const kept = { seq: checkpoint.seq, hash: checkpoint.headHash };
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize, checkpoints: [kept] })).toMatchObject({ ok: false, firstBadSeq: 36, reason: 'truncated' });
  });

  it('detects a chain rewritten from some row on only against a checkpoint kept elsewhere', async () => {
    const orgUnitId = await chainOf();
    const before = await rowsOf(orgUnitId);
    const kept = { seq: rowCount, hash: before.at(-1)!.hash };
    // The superuser's rewrite: change row 20, recompute every hash after it, move the head.
    let prevHash = before[18]!.hash;
    const statements: QuerySqlToken[] = [];
    for (const row of before.slice(19)) {
      const entry = row.seq === 20 ? row.entry.replace('"i":19,', '"i":-1,') : row.entry;
      const hash = chainHash(prevHash, entry);
      statements.push(sql.unsafe`UPDATE audit_log SET entry = ${entry}, prev_hash = ${prevHash}, hash = ${hash} WHERE org_unit_id = ${orgUnitId} AND seq = ${row.seq}`);
      prevHash = hash;
    }
    await tamper(...statements);
    await db.pool.query(sql.unsafe`UPDATE audit_heads SET hash = ${prevHash} WHERE org_unit_id = ${orgUnitId}`);
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: true });
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize, checkpoints: [kept] })).toMatchObject({
      ok: false,
      firstBadSeq: rowCount,
      reason: 'checkpoint_mismatch',
    });
  });

  it('names a forged row appended behind the writer’s back', async () => {
    const orgUnitId = await chainOf();
    const last = (await rowsOf(orgUnitId)).at(-1)!;
    const entry = last.entry.replace(`"seq":${rowCount}}`, `"seq":${rowCount + 1}}`);
    // INSERT is allowed by the triggers; a row that links and hashes correctly still lacks the head.
    await db.pool.query(sql.unsafe`
      INSERT INTO audit_log (org_unit_id, seq, kind, actor, entry, prev_hash, hash)
      SELECT org_unit_id, ${rowCount + 1}, kind, actor, ${entry}, ${last.hash}, ${chainHash(last.hash, entry)}
        FROM audit_log WHERE org_unit_id = ${orgUnitId} AND seq = ${rowCount}`);
    expect(await verifyAuditChain(db.pool, orgUnitId, { pageSize })).toMatchObject({ ok: false, firstBadSeq: rowCount + 1, reason: 'head_mismatch' });
  });

  it('accepts a re-serialised entry with a valid hash by default and refuses it in deep mode', async () => {
    const orgUnitId = await chainOf(3);
    const [first] = await rowsOf(orgUnitId);
    // The same JSON with one space more: not JCS. Rehash the whole chain so only the form is wrong.
    const spaced = first!.entry.replace('"data":{', '"data":{ ');
    let prevHash = genesisHash;
    const statements: QuerySqlToken[] = [];
    for (const row of await rowsOf(orgUnitId)) {
      const entry = row.seq === 1 ? spaced : row.entry;
      const hash = chainHash(prevHash, entry);
      statements.push(sql.unsafe`UPDATE audit_log SET entry = ${entry}, prev_hash = ${prevHash}, hash = ${hash} WHERE org_unit_id = ${orgUnitId} AND seq = ${row.seq}`);
      prevHash = hash;
    }
    await tamper(...statements);
    await db.pool.query(sql.unsafe`UPDATE audit_heads SET hash = ${prevHash} WHERE org_unit_id = ${orgUnitId}`);
    expect(await verifyAuditChain(db.pool, orgUnitId)).toMatchObject({ ok: true });
    expect(await verifyAuditChain(db.pool, orgUnitId, { deep: true })).toMatchObject({ ok: false, firstBadSeq: 1, reason: 'not_canonical' });
  });
});

describe('exportAuditChain', () => {
  it('writes JSON Lines and a checkpoint that verify, and stores the checkpoint', async () => {
    const orgUnitId = await chainOf();
    const { file, checkpoint } = await exportToFile(orgUnitId);
    const head = await readAuditHead(db.pool, orgUnitId);
    expect(checkpoint).toEqual({ orgUnitId, seq: rowCount, headHash: head?.hash, count: rowCount, exportedAt: new Date(clock.now()).toISOString() });
    const stored = await latestAuditCheckpoint(db.pool, orgUnitId);
    expect(stored).toMatchObject({ seq: rowCount, head_hash: checkpoint.headHash, entry_count: rowCount });

    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    const rows = lines.map(parseExportLine);
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: rowCount }, (_, i) => i + 1));
    expect(verifyChain(rows, { orgUnitId, expectedStartSeq: 1, expectedPrevHash: genesisHash })).toEqual({
      ok: true,
      count: rowCount,
      lastSeq: rowCount,
      headHash: checkpoint.headHash,
    });
    // Stored checkpoints are checked by every later verification.
    expect(await verifyAuditChain(db.pool, orgUnitId)).toMatchObject({ ok: true, checkpointsChecked: 1 });
    expect(await auditCheckpointMarks(db.pool, orgUnitId)).toEqual([{ seq: rowCount, hash: checkpoint.headHash }]);
  });

  it('recomputes to the checkpoint with the documented shell recipe, and names an edited line', async () => {
    const orgUnitId = await chainOf();
    const { file, checkpointFile } = await exportToFile(orgUnitId);
    const script = await recomputeScript();
    const { stdout } = await run('bash', [script, file]);
    const kept = parseCheckpoint(await readFile(checkpointFile, 'utf8'));
    expect(stdout.trim()).toBe(`${kept.seq} ${kept.headHash}`);
    const { stdout: fromJq } = await run('jq', ['-r', '"\\(.seq) \\(.headHash)"', checkpointFile]);
    expect(fromJq.trim()).toBe(stdout.trim());

    // The one-row recipe, for row 12.
    const oneRow = `line=$(sed -n 12p "$1"); { jq -j .prevHash <<<"$line" | xxd -r -p; jq -j .entry <<<"$line"; } | sha256sum | cut -d' ' -f1; jq -r .hash <<<"$line"`;
    const { stdout: pair } = await run('bash', ['-c', oneRow, 'one-row', file]);
    const [recomputed, stored] = pair.trim().split('\n');
    expect(recomputed).toBe(stored);

    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[8] = lines[8]!.replace('\\"i\\":8,', '\\"i\\":80,');
    const edited = path.join(dir, `${orgUnitId}-edited.jsonl`);
    await writeFile(edited, lines.join('\n'));
    await expect(run('bash', [script, edited])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('row 9: hash mismatch') });
  });

  it('recomputes a row straight from the database with the documented psql recipe', async () => {
    if (db.kind !== 'postgres') return; // psql needs a real server
    const orgUnitId = await chainOf(3);
    // libpq decodes %20, not the '+' URLSearchParams would write for the space.
    const url = `${db.url}${db.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${db.schema}`)}`;
    const recipe = `q() { psql "$DATABASE_URL" -AtX -c "$1"; }
{ q "select prev_hash from audit_log where org_unit_id = '${orgUnitId}' and seq = 2" | xxd -r -p
  printf '%s' "$(q "select entry from audit_log where org_unit_id = '${orgUnitId}' and seq = 2")"; } | sha256sum | cut -d' ' -f1`;
    const { stdout } = await run('bash', ['-c', recipe], { env: { ...process.env, DATABASE_URL: url } });
    const [row2] = (await rowsOf(orgUnitId)).filter((row) => row.seq === 2);
    expect(stdout.trim()).toBe(row2!.hash);
  });

  it('refuses to vouch for a broken chain: no checkpoint, rows only up to the break', async () => {
    const orgUnitId = await chainOf();
    await tamper(sql.unsafe`UPDATE audit_log SET entry = entry || ' ' WHERE org_unit_id = ${orgUnitId} AND seq = 11`);
    const file = path.join(dir, `${orgUnitId}.jsonl`);
    const out = createWriteStream(file);
    const error: unknown = await exportAuditChain(db.pool, orgUnitId, out, { pageSize, clock }).catch((caught: unknown) => caught);
    out.end();
    await finished(out);
    expect(error).toBeInstanceOf(AuditChainBrokenError);
    expect((error as AuditChainBrokenError).failure).toMatchObject({ firstBadSeq: 11, reason: 'hash_mismatch' });
    expect(await latestAuditCheckpoint(db.pool, orgUnitId)).toBeNull();
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((line) => parseExportLine(line).seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('waits for a slow destination instead of buffering the chain', async () => {
    const orgUnitId = await chainOf();
    const chunks: string[] = [];
    let waits = 0;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        waits += 1;
        setImmediate(callback);
      },
    });
    const checkpoint = await exportAuditChain(db.pool, orgUnitId, slow, { pageSize: 5, clock });
    expect(checkpoint.count).toBe(rowCount);
    expect(waits).toBe(8);
    expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(rowCount);
  });

  it('exports a consistent prefix while appends continue', async () => {
    const orgUnitId = await chainOf();
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    });
    const [checkpoint] = await Promise.all([
      exportAuditChain(db.pool, orgUnitId, sink, { pageSize: 3, clock }),
      ...Array.from({ length: 30 }, (_, i) => writer.append(orgUnitId, { kind: 'action', actor: 'system', data: { late: i } })),
    ]);
    const rows = chunks.join('').split('\n').filter(Boolean).map(parseExportLine);
    expect(rows).toHaveLength(checkpoint.count);
    expect(checkpoint.count).toBeGreaterThanOrEqual(rowCount);
    expect(verifyChain(rows, { orgUnitId, expectedStartSeq: 1, expectedPrevHash: genesisHash })).toMatchObject({ ok: true, headHash: checkpoint.headHash });
    expect(await verifyAuditChain(db.pool, orgUnitId)).toMatchObject({ ok: true, count: rowCount + 30 });
  });
});
