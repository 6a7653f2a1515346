import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { parseCheckpoint } from '../../../engine/governance/audit/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { defaultCheckpointFile, reportVerification, runAuditExport, runAuditVerify } from '../../../server/cli/commands/audit.js';
import { CliError } from '../../../server/cli/cli-error.js';
import { describeFailure } from '../../../server/cli/failures.js';
import { createAuditWriter } from '../../../server/governance/audit-writer.js';
import { createScratchPostgresDatabase, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { capturedCliContext } from '../../support/in-process-cli.js';
import { killLeftoverCliProcesses, runCli, stackTraceLine, type CliEnv } from './cli-process.js';

/**
 * `bos audit verify` and `bos audit export`: their work in process against a test database
 * (intact, tampered, refusals), then the wiring once from a real process.
 */
// The pool is handed over, so reading the configuration would be a bug.
const cliContext = () => capturedCliContext({ now: () => Date.UTC(2025, 5, 2) });

class UsageError extends Error {}
const usageError = (message: string): never => {
  throw new UsageError(message);
};

let db: TestDatabase;
let tempDir: string;
const orgUnitId = 'org_cli_audit';
const tamperedOrg = 'org_cli_tampered';

beforeAll(async () => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bos-audit-'));
  db = await createTestDatabase();
  const writer = createAuditWriter(db.pool, { clock: manualClock(Date.UTC(2025, 5, 1)) });
  for (const id of [orgUnitId, tamperedOrg]) {
    await upsertOrgUnit(db.pool, { id, name: id });
    await Promise.all(Array.from({ length: 25 }, (_, i) => writer.append(id, { kind: 'verdict', actor: 'agent-1', data: { i } })));
  }
  await writer.close();
  await db.pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await tx.query(sql.unsafe`UPDATE audit_log SET entry = replace(entry, '"i":', '"i":1') WHERE org_unit_id = ${tamperedOrg} AND seq = 12`);
    await tx.query(sql.unsafe`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
  });
});

afterAll(async () => {
  killLeftoverCliProcesses();
  await db.close();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

describe('bos audit verify', () => {
  it('reports an intact chain and its head', async () => {
    const cli = cliContext();
    const result = await runAuditVerify(cli.context, db.pool, { org: orgUnitId });
    reportVerification(cli.context, result, false);
    expect(cli.stdout()).toMatch(new RegExp(`^Audit chain of ${orgUnitId} is intact: 25 rows, head row 25 [0-9a-f]{64}, 0 checkpoints checked$`, 'm'));
    expect(cli.stderr()).toContain('25 of 25 rows verified');
  });

  it('names the first broken row and fails with exit 1', async () => {
    const cli = cliContext();
    const result = await runAuditVerify(cli.context, db.pool, { org: tamperedOrg, deep: true });
    let thrown: unknown;
    try {
      reportVerification(cli.context, result, true);
    } catch (error) {
      thrown = error;
    }
    expect(JSON.parse(cli.stdout())).toMatchObject({ ok: false, firstBadSeq: 12, reason: 'hash_mismatch', orgUnitId: tamperedOrg, verifiedCount: 11 });
    expect(thrown).toBeInstanceOf(CliError);
    expect(describeFailure(thrown)).toEqual({ exitCode: 1, message: `error: the audit chain of ${tamperedOrg} is broken at row 12 (hash_mismatch)` });
  });

  it('refuses an org unit that does not exist', async () => {
    const error = await runAuditVerify(cliContext().context, db.pool, { org: 'org_nowhere' }).catch((e: unknown) => e);
    expect(describeFailure(error)).toEqual({ exitCode: 1, message: 'error: the org unit org_nowhere does not exist' });
  });
});

describe('bos audit export', () => {
  it('writes the rows as JSON Lines and a checkpoint that verification then accepts', async () => {
    const cli = cliContext();
    const out = path.join(tempDir, 'audit.jsonl');
    const checkpointFile = defaultCheckpointFile(out);
    expect(checkpointFile).toBe(path.join(tempDir, 'audit.checkpoint.json'));
    const result = await runAuditExport(cli.context, db.pool, { org: orgUnitId, out, checkpointFile }, usageError);
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(25);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ orgUnitId, seq: 1, kind: 'verdict' });
    const checkpoint = parseCheckpoint(fs.readFileSync(checkpointFile, 'utf8'));
    expect(checkpoint).toEqual(result.checkpoint);
    expect(checkpoint).toMatchObject({ orgUnitId, seq: 25, count: 25, exportedAt: '2025-06-02T00:00:00.000Z' });
    expect(JSON.parse(lines[24] ?? '')).toMatchObject({ hash: checkpoint.headHash });

    const verified = await runAuditVerify(cli.context, db.pool, { org: orgUnitId, checkpoints: [{ seq: checkpoint.seq, hash: checkpoint.headHash }] });
    expect(verified).toMatchObject({ ok: true, count: 25 });

    // Never over an existing file.
    const again = await runAuditExport(cli.context, db.pool, { org: orgUnitId, out, checkpointFile: path.join(tempDir, 'other.json') }, usageError).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(UsageError);
    expect((again as Error).message).toContain('already exists');
    expect(fs.existsSync(path.join(tempDir, 'other.json'))).toBe(false);
    const clash = await runAuditExport(cli.context, db.pool, { org: orgUnitId, out: path.join(tempDir, 'fresh.jsonl'), checkpointFile }, usageError).catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(UsageError);
    expect(fs.existsSync(path.join(tempDir, 'fresh.jsonl'))).toBe(false);
    expect(parseCheckpoint(fs.readFileSync(checkpointFile, 'utf8'))).toEqual(checkpoint);
  });

  it('exports nothing from a broken chain and says where it broke', async () => {
    const out = path.join(tempDir, 'tampered.jsonl');
    const checkpointFile = defaultCheckpointFile(out);
    const error = await runAuditExport(cliContext().context, db.pool, { org: tamperedOrg, out, checkpointFile }, usageError).catch((e: unknown) => e);
    expect(describeFailure(error)).toMatchObject({ exitCode: 1, message: expect.stringContaining('is broken at row 12 (hash_mismatch)') });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(checkpointFile)).toBe(false);
  });
});

describe('from a real process', () => {
  let env: CliEnv;
  let drop: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const scratch = await createScratchPostgresDatabase();
    env = scratch ? { DATABASE_URL: scratch.url } : { BOS_DATA_DIR: path.join(tempDir, 'data') };
    if (scratch) drop = () => scratch.drop();
  });
  afterAll(async () => {
    await drop();
  });

  it('seeds, exports, verifies against the checkpoint, and refuses to overwrite', { timeout: 120_000 }, async () => {
    const seed = await runCli(['seed', '--products', '2', '--creators', '1', '--json'], env, 60_000);
    expect(seed.code, seed.stderr).toBe(0);
    const out = path.join(tempDir, 'process.jsonl');
    const exported = await runCli(['audit', 'export', '--org', 'lsn_main', '--out', out, '--json'], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ orgUnitId: 'lsn_main', out, checkpointFile: defaultCheckpointFile(out), checkpoint: { orgUnitId: 'lsn_main' } });
    const verified = await runCli(['audit', 'verify', '--org', 'lsn_main', '--checkpoint', defaultCheckpointFile(out)], env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^Audit chain of lsn_main is intact: \d+ rows, head row \d+ [0-9a-f]{64}, \d+ checkpoints checked$/m);
    const overwrite = await runCli(['audit', 'export', '--org', 'lsn_main', '--out', out], env);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain('already exists');
    expect(overwrite.stderr).not.toMatch(stackTraceLine);
  });
});
