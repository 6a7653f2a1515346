import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedMigrations } from '../../../db/migrate.js';
import type { SeedResult } from '../../../server/cli/commands/seed.js';
import type { IssuedTokenDto } from '../../../server/contracts/org-units.js';
import { createScratchPostgresDatabase } from '../../support/database.js';
import { killLeftoverCliProcesses, runCli, stackTraceLine, type CliEnv } from './cli-process.js';

/**
 * The CLI as an operator meets it: a fresh embedded data directory, or with DATABASE_URL
 * set a scratch database of its own on that PostgreSQL.
 */
let tempDir: string;
let database: { kind: 'embedded' | 'postgres'; env: CliEnv; drop(): Promise<void> };

beforeAll(async () => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bos-cli-'));
  const scratch = await createScratchPostgresDatabase();
  database = scratch
    ? { kind: 'postgres', env: { DATABASE_URL: scratch.url }, drop: () => scratch.drop() }
    : { kind: 'embedded', env: { BOS_DATA_DIR: path.join(tempDir, 'data') }, drop: async () => {} };
});

afterAll(async () => {
  killLeftoverCliProcesses();
  await database.drop();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

type SeedOutput = SeedResult & { migrationsApplied: string[] };

const tokenPattern = /^bos_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/;

// Each flag and failure is covered in process by program.test.ts; these prove the wiring
// from a real process: stdout, stderr and the exit code.
describe('usage', () => {
  it('lists the commands with --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['start', 'migrate', 'seed', 'token']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('exits 2 naming the flag when a flag value is bad', async () => {
    const run = await runCli(['token', 'create', '--org', 'lsn_main', '--name', 'x', '--role', 'king'], database.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--role <role>' argument 'king' is invalid");
    expect(run.stdout).toBe('');
  });

  it('stops start with exit 2 and names a bad environment variable', async () => {
    const [port, several] = await Promise.all([
      runCli(['start'], { ...database.env, PORT: 'abc' }),
      runCli(['start'], { ...database.env, BOS_PUBLIC_ORIGIN: 'nope', LOG_LEVEL: 'loud' }),
    ]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('PORT: must be a number');
    expect(port.stderr).not.toMatch(stackTraceLine);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('BOS_PUBLIC_ORIGIN');
    expect(several.stderr).toContain('LOG_LEVEL');
  });

  it('refuses a half-initialised data directory with exit 1 and no stack trace', async () => {
    const dataDir = path.join(tempDir, 'half');
    fs.mkdirSync(path.join(dataDir, 'pgdata'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'pgdata', 'postgresql.conf'), '# left behind by an interrupted start\n');
    const run = await runCli(['migrate'], { BOS_DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/half-initialised \(PG_VERSION is missing\)/);
    expect(run.stderr).not.toMatch(stackTraceLine);
    expect(fs.existsSync(path.join(dataDir, 'bos.lock'))).toBe(false);
  });
});

// One database, so these run in order: each step builds on the one before.
describe('against a fresh database', () => {
  let firstSeedTokens: string[] = [];

  // The first open of an embedded directory initialises it: seconds, more on a busy machine.
  it('migrate applies every shipped migration and says which, as JSON', { timeout: 60_000 }, async () => {
    const run = await runCli(['migrate', '--json'], database.env, 55_000);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ database: database.kind, applied: shippedMigrations() });
    expect(run.stderr).toContain('applying 001_kernel');
  });

  it('seed creates the shop and prints a token per role, as JSON', async () => {
    const run = await runCli(['seed', '--json'], database.env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SeedOutput;
    expect(result.migrationsApplied).toEqual([]);
    expect(result.orgUnit).toEqual({ id: 'lsn_main', name: 'Live Shopping Network' });
    expect(result.catalog.products).toEqual({ inserted: 240, updated: 0, unchanged: 0 });
    expect(result.catalog.totals).toEqual({ products: 240, creators: 36 });
    expect(result.tokens.map((t) => t.principal.role)).toEqual(['founder', 'operator', 'viewer', 'agent']);
    firstSeedTokens = result.tokens.map((t) => t.token);
    for (const token of firstSeedTokens) expect(token).toMatch(tokenPattern);
  });

  it('seed again duplicates nothing and issues new tokens', async () => {
    const run = await runCli(['seed', '--json'], database.env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SeedOutput;
    expect(result.catalog.products).toEqual({ inserted: 0, updated: 0, unchanged: 240 });
    expect(result.catalog.creators).toEqual({ inserted: 0, updated: 0, unchanged: 36 });
    expect(result.catalog.totals).toEqual({ products: 240, creators: 36 });
    expect(result.catalog.initialMovements).toBe(0);
    for (const { token } of result.tokens) expect(firstSeedTokens).not.toContain(token);
  });

  it('token create makes the principal and an expiring token, as JSON', async () => {
    const args = ['token', 'create', '--org', 'lsn_main', '--role', 'operator', '--name', 'ci-bot', '--label', 'CI', '--expires-in-days', '7', '--json'];
    const before = Date.now();
    const run = await runCli(args, database.env);
    expect(run.code, run.stderr).toBe(0);
    const issued = JSON.parse(run.stdout) as IssuedTokenDto;
    expect(issued).toMatchObject({ label: 'CI', principal: { name: 'ci-bot', role: 'operator' } });
    expect(issued.token).toMatch(tokenPattern);
    const expiresInDays = (Date.parse(issued.expiresAt ?? '') - before) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(6.99);
    expect(expiresInDays).toBeLessThan(7.01);
  });

  it('token create prints only the token on stdout', async () => {
    const run = await runCli(['token', 'create', '--org', 'lsn_main', '--role', 'viewer', '--name', 'dashboard'], database.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(tokenPattern);
    expect(run.stderr).toContain('dashboard (viewer)');
  });

  it('token create for an org unit that does not exist exits 1 and says how to create it', async () => {
    const run = await runCli(['token', 'create', '--org', 'nowhere', '--role', 'viewer', '--name', 'x'], database.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the org unit nowhere does not exist; create it with `bos seed --org nowhere`');
    expect(run.stderr).not.toMatch(stackTraceLine);
    expect(run.stdout).toBe('');
  });
});
