import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../db/open-database.js';
import { createScratchPostgresDatabase } from '../../support/database.js';
import { killLeftoverCliProcesses } from '../cli/cli-process.js';
import {
  exactlyOnceReport,
  printedTokens,
  runJournal,
  setWorkflowPaused,
  startChainRuns,
  startServerChild,
  stepsDone,
  waitForCompletedRuns,
  type ServerChild,
} from './server-child.js';

/**
 * The real server, killed with SIGKILL three times while 100 five-step runs are under way,
 * and started again each time on the same database: every run still ends, and every step's
 * side effect happened exactly once. On the embedded database the restart also takes over
 * the data directory's lock left by the dead process.
 */
const orgUnitId = 'lsn_main';
const workflowId = 'wf_test_chain5';
const steps = 5;
const chains = Array.from({ length: 100 }, (_, index) => `crash-${String(index).padStart(3, '0')}`);

let tempDir: string;
let scratch: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
let env: Record<string, string>;

beforeAll(async () => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bos-crash-'));
  scratch = await createScratchPostgresDatabase();
  // A few runs at a time, so the kills find work under way.
  const slow = { WORKFLOW_CONCURRENCY: '8' };
  env = scratch ? { ...slow, DATABASE_URL: scratch.url, DATABASE_POOL_SIZE: '4' } : { ...slow, BOS_DATA_DIR: path.join(tempDir, 'data') };
});

afterAll(async () => {
  killLeftoverCliProcesses();
  await scratch?.drop();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

/** A moment in [min, max] ms; the test reports the ones it drew, so a failure can be told apart from luck. */
const randomDelay = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

describe('crash recovery of workflow runs', () => {
  it('completes every run with each side effect exactly once across three SIGKILLs', async () => {
    let server: ServerChild = await startServerChild(env);
    const token = printedTokens(server.cli.stdout()).operator ?? '';
    expect(token).toMatch(/^bos_/);
    // All runs are recorded before any may step, so the first kill finds them under way.
    await setWorkflowPaused(server, token, orgUnitId, workflowId, true);
    await startChainRuns(server, token, orgUnitId, workflowId, chains);
    await setWorkflowPaused(server, token, orgUnitId, workflowId, false);

    const kills: { afterMs: number; stepsSeen: number }[] = [];
    for (let kill = 0; kill < 3; kill += 1) {
      const stepsSeen = await stepsDone(server, token, orgUnitId, workflowId);
      const afterMs = randomDelay(50, 400);
      kills.push({ afterMs, stepsSeen });
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      server.cli.child.kill('SIGKILL');
      const exit = await server.cli.exited;
      expect(exit.signal, JSON.stringify(kills)).toBe('SIGKILL');
      // The same database (or data directory, whose lock now names a dead process).
      server = await startServerChild(env, ['start', '--no-seed']);
    }

    const runs = await waitForCompletedRuns(server, token, orgUnitId, workflowId, chains.length, 30_000);
    const context = `kills: ${JSON.stringify(kills)}`;
    // The first kill came while work was left: the runs did not all finish before it.
    expect(kills[0]?.stepsSeen ?? 0, context).toBeLessThan(chains.length * steps);
    const notDone = runs.filter((run) => run.state !== 'done');
    const journals = await Promise.all(notDone.slice(0, 2).map((run) => runJournal(server, token, orgUnitId, run.id)));
    expect(notDone.map((run) => run.idempotencyKey), `${context}\n${JSON.stringify(journals)}`).toEqual([]);
    for (const run of runs) {
      expect(run.steps).toBe(steps);
      expect(run.journalLength).toBe(2 + 2 * steps);
    }

    server.cli.child.kill('SIGTERM');
    expect((await server.cli.exited).code).toBe(0);
    // The embedded directory opens only once the server has let it go.
    const database: Database = scratch
      ? await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 1 })
      : await openDatabase({ kind: 'embedded', dataDir: env.BOS_DATA_DIR ?? '' });
    try {
      const report = await exactlyOnceReport(database.pool, chains, runs.map((run) => run.id), steps);
      expect(report.effects.actual, context).toEqual(report.effects.expected);
      expect(report.actions.actual, context).toEqual(report.actions.expected);
      expect(report.journals.actual, context).toEqual(report.journals.expected);
    } finally {
      await database.close();
    }
  }, 120_000);
});
