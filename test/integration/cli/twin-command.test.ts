import fs from 'node:fs';
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

describe('bos twin', () => {
  it.each([
    [['twin', 'calibrate', '--days', '10'], "option '--days <n>' argument '10' is invalid"],
    [['twin', 'calibrate', '--holdout', '0'], "option '--holdout <n>' argument '0' is invalid"],
    [['twin', 'calibrate', '--org', 'Not An Id'], "option '--org <id>' argument 'Not An Id' is invalid"],
    [['twin', 'simulate', '--price-change', '-100'], "option '--price-change <percent>' argument '-100' is invalid"],
    [['twin', 'simulate', '--ad-spend-change', 'lots'], "option '--ad-spend-change <percent>' argument 'lots' is invalid"],
    [['twin', 'simulate', '--duration', '366'], "option '--duration <days>' argument '366' is invalid"],
    [['twin', 'simulate', '--payout-frequency', 'hourly'], 'must be one of daily, weekly, biweekly, monthly'],
    [['twin', 'simulate', '--samples', '2'], "option '--samples <n>' argument '2' is invalid"],
    [['twin', 'status', '--verbose'], "unknown option '--verbose'"],
  ])('refuses %j with exit 2, naming the flag, before touching any database', async (args, message) => {
    const result = await runBosInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('simulates a seeded shop on its priors, then shows where every model’s parameters come from', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bos-twin-'));
    dirs.push(dir);
    const postgres = await createScratchPostgresDatabase();
    if (postgres) scratch.push(postgres);
    const config = () => loadConfig({ BOS_DATA_DIR: dir, LOG_LEVEL: 'silent', BOS_TWIN_THREADS: '1', ...(postgres ? { DATABASE_URL: postgres.url } : {}) });

    const missing = await runBosInProcess(['twin', 'status'], config);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Org unit lsn_main was not found');

    expect((await runBosInProcess(['seed', '--json'], config)).code).toBe(0);
    const simulated = await runBosInProcess(['twin', 'simulate', '--price-change', '10', '--duration', '3', '--samples', '16', '--seed', '5', '--json'], config);
    expect(simulated.code, simulated.stderr).toBe(0);
    const simulation = JSON.parse(simulated.stdout) as { scenario: unknown; seed: number; samples: number; calibrated: boolean; metrics: { revenue: { mean: number } } };
    expect(simulation).toMatchObject({ scenario: { changes: { priceChange: 10 }, duration: 3 }, seed: 5, samples: 16, calibrated: false });
    expect(Number.isInteger(simulation.metrics.revenue.mean)).toBe(true);

    const status = await runBosInProcess(['twin', 'status', '--json'], config);
    expect(status.code, status.stderr).toBe(0);
    const body = JSON.parse(status.stdout) as { calibrated: boolean; models: { model: string; source: string }[] };
    expect(body.calibrated).toBe(false);
    expect(body.models.every((m) => m.source === 'prior')).toBe(true);

    // A shop with no history cannot be calibrated: the command says why and exits 1.
    const calibrate = await runBosInProcess(['twin', 'calibrate', '--days', '21'], config);
    expect(calibrate.code).toBe(1);
    expect(calibrate.stderr).toContain('calibration needs at least 14');
  }, 120_000);
});
