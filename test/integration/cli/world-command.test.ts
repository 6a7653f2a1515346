import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config/config.js';
import { createScratchPostgresDatabase } from '../../support/database.js';
import { runBosInProcess } from '../../support/in-process-cli.js';

const dirs: string[] = [];
const scratch: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  for (const db of scratch) await db.drop();
});

describe('bos world run', () => {
  it.each([
    [['world', 'run'], "required option '--days <n>' not specified"],
    [['world', 'run', '--days', '0'], "option '--days <n>' argument '0' is invalid"],
    [['world', 'run', '--days', '2', '--speed', '0'], "option '--speed <days-per-second>' argument '0' is invalid"],
    [['world', 'run', '--days', '2', '--speed', 'fast'], 'must be simulated days per second'],
    [['world', 'run', '--days', '2', '--seed', 'a b'], "option '--seed <s>' argument 'a b' is invalid"],
    [['world', 'run', '--days', '2', '--start', '2026-02-30'], "option '--start <date>' argument '2026-02-30' is invalid"],
    [['world', 'run', '--days', '2', '--url', 'ftp://x'], "option '--url <url>' argument 'ftp://x' is invalid"],
    [['world', 'run', '--days', '2', '--url', 'http://127.0.0.1:1'], "option '--url <url>' needs --token"],
    [['world', 'run', '--days', '2', '--token', 'bos_x'], "option '--token <token>' needs --url"],
    [['world', 'run', '--days', '2', '--org', 'Not An Id'], "option '--org <id>' argument 'Not An Id' is invalid"],
  ])('refuses %j with exit 2, naming the flag, before touching any database', async (args, message) => {
    const result = await runBosInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('names the server it cannot reach, with exit 1 and no stack trace', async () => {
    // A port nothing listens on: bound, then closed.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));

    const result = await runBosInProcess(['world', 'run', '--days', '1', '--url', `http://127.0.0.1:${port}`, '--token', 'bos_x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: cannot reach http://127\\.0\\.0\\.1:${port} \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\n$`));
    expect(result.stdout).toBe('');
  });

  it('seeds a missing org unit, runs the days and prints one JSON summary; again, it stores nothing new', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bos-world-'));
    dirs.push(dir);
    const postgres = await createScratchPostgresDatabase();
    if (postgres) scratch.push(postgres);
    const env = { BOS_DATA_DIR: dir, LOG_LEVEL: 'silent', ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
    const args = ['world', 'run', '--days', '2', '--speed', 'max', '--seed', '4', '--start', '2026-02-02', '--json'];
    const first = await runBosInProcess(args, () => loadConfig(env));
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as Record<string, unknown> & { seeded?: { tokens: unknown[] } };
    expect(summary).toMatchObject({ orgUnitId: 'lsn_main', seed: '4', startDate: '2026-02-02', days: 2, firstDate: '2026-02-02', lastDate: '2026-02-03', duplicates: 0 });
    expect(summary.stored).toBe(summary.events);
    expect(summary.orders as number).toBeGreaterThan(1_000);
    expect(summary.seeded?.tokens).toHaveLength(4);
    expect(first.stderr).toContain('day 2/2');

    const second = await runBosInProcess(args, () => loadConfig(env));
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout) as Record<string, unknown>;
    expect(again).toMatchObject({ stored: 0, duplicates: summary.events, orders: summary.orders, revenueMinor: summary.revenueMinor });
    expect(again.seeded).toBeUndefined();
    // Two cold starts of the embedded database, migrations and seeding: slower than most tests.
  }, 120_000);
});
