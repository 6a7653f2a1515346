import { sql } from 'slonik';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../../../db/open-database.js';
import { workflowCatalog } from '../../../engine/workflows/index.js';
import type { ToolCallResult } from '../../../engine/tools/index.js';
import type { ToolRouter } from '../../../server/tools/tool-implementation.js';
import { createWorkflowRuntime, type WorkflowRuntime } from '../../../server/workflows/workflow-runtime.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { createScratchPostgresDatabase } from '../../support/database.js';
import { workflowModule } from '../../support/workflows/chain-workflows.js';
import { killLeftoverCliProcesses } from '../cli/cli-process.js';
import { chainModulePath, exactlyOnceReport, printedTokens, startChainRuns, startServerChild, waitForCompletedRuns } from './server-child.js';

/**
 * Two runtimes share 200 three-step runs on one database: each run completes, each step's
 * side effect happens once, and both did part of the work. On PostgreSQL (DATABASE_URL, as
 * the second CI pass runs) they are two real server processes on a scratch database, waking
 * each other by LISTEN/NOTIFY; the embedded database serves one process only, so there they
 * are two runtimes with their own lease owners in one process, over the same pool.
 */
const workflowId = 'wf_test_chain3';
const steps = 3;
const chains = Array.from({ length: 200 }, (_, index) => `shared-${String(index).padStart(3, '0')}`);
const onPostgres = Boolean(process.env.DATABASE_URL);

afterAll(() => {
  killLeftoverCliProcesses();
});

describe('two workflow runtimes on one database', () => {
  it.runIf(onPostgres)('two server processes share 200 runs, each step once, both doing work', async () => {
    const scratch = await createScratchPostgresDatabase();
    if (!scratch) throw new Error('DATABASE_URL is set, so a scratch database must exist');
    try {
      const env = { DATABASE_URL: scratch.url, DATABASE_POOL_SIZE: '4', WORKFLOW_CONCURRENCY: '16' };
      // The first seeds lsn_main and prints its tokens; the second starts once it exists.
      const first = await startServerChild(env);
      const second = await startServerChild(env, ['start', '--no-seed']);
      const token = printedTokens(first.cli.stdout()).operator ?? '';
      expect(token).toMatch(/^bos_/);
      // Half the runs are started through each process; either may drive any of them.
      await Promise.all([
        startChainRuns(first, token, 'lsn_main', workflowId, chains.slice(0, 100)),
        startChainRuns(second, token, 'lsn_main', workflowId, chains.slice(100)),
      ]);
      const runs = await waitForCompletedRuns(first, token, 'lsn_main', workflowId, chains.length, 45_000);
      expect(runs.filter((run) => run.state !== 'done' || run.steps !== steps || run.journalLength !== 2 + 2 * steps)).toEqual([]);

      for (const server of [first, second]) server.cli.child.kill('SIGTERM');
      expect((await Promise.all([first.cli.exited, second.cli.exited])).map((exit) => exit.code)).toEqual([0, 0]);
      const database = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 1 });
      try {
        const report = await exactlyOnceReport(database.pool, chains, runs.map((run) => run.id), steps);
        expect(report.effects.actual).toEqual(report.effects.expected);
        expect(report.actions.actual).toEqual(report.actions.expected);
        expect(report.journals.actual).toEqual(report.journals.expected);
        // Each side-effect row names the process whose tool call wrote it.
        const shares = await database.pool.any(sql.type(z.object({ written_by: z.number(), count: z.number() }))`
          SELECT written_by, count(*)::int AS count FROM test_side_effects GROUP BY written_by ORDER BY written_by`);
        expect(shares.map((share) => share.written_by).sort()).toEqual([first.cli.pid, second.cli.pid].sort());
        expect(shares.every((share) => share.count > 0)).toBe(true);
      } finally {
        await database.close();
      }
    } finally {
      killLeftoverCliProcesses();
      await scratch.drop();
    }
  }, 120_000);

  it.skipIf(onPostgres)('two runtimes with their own lease owners share 200 runs over one pool, each step once, both doing work', async () => {
    const f: AppFixture = await createAppFixture({ BOS_WORKFLOW_MODULES: chainModulePath });
    const runtimes: WorkflowRuntime[] = [];
    try {
      const catalog = workflowCatalog(workflowModule.workflows);
      // Each runtime calls the tools through a router that counts the calls it executed (not repeats).
      const executed = new Map<string, number>();
      const count = (owner: string, results: readonly ToolCallResult[]) => {
        const fresh = results.filter((result) => result.status === 'succeeded' && !result.duplicate).length;
        executed.set(owner, (executed.get(owner) ?? 0) + fresh);
      };
      // Calls go one at a time or in a step batch; a batch that rolls back counts nothing.
      const counting = (owner: string): ToolRouter => ({
        ...f.built.tools,
        async call(call, options) {
          const result = await f.built.tools.call(call, options);
          count(owner, [result]);
          return result;
        },
        async executeBatched(tx, calls) {
          const results = await f.built.tools.executeBatched(tx, calls);
          count(owner, results);
          return results;
        },
      });
      for (const owner of ['runtime-a', 'runtime-b']) {
        runtimes.push(
          createWorkflowRuntime(
            { pool: f.db.pool, catalog, router: counting(owner), killSwitch: f.built.governance.killSwitchState, clock: { now: Date.now }, logger: f.built.app.log as never, announce: () => undefined },
            { owner, leaseMs: 1_000, pollMs: 50, concurrency: 16 },
          ),
        );
      }
      await Promise.all(runtimes.map((runtime) => runtime.start()));
      // The app's own runtime is not started: it only records the runs, the two above drive them.
      const started = await Promise.all(chains.map((chain) => f.built.workflows.startRun(f.orgUnitId, workflowId, `run-${chain}`, { chain })));
      const runIds = started.map((run) => run.id);

      const deadline = Date.now() + 45_000;
      let runs = await f.built.workflows.runs(f.orgUnitId, workflowId, { limit: 200 });
      while (!runs.every((run) => run.status === 'completed') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        runs = await f.built.workflows.runs(f.orgUnitId, workflowId, { limit: 200 });
      }
      expect(runs.filter((run) => run.status !== 'completed' || run.state !== 'done' || run.journalLength !== 2 + 2 * steps)).toEqual([]);
      await Promise.all(runtimes.map((runtime) => runtime.stop()));

      const report = await exactlyOnceReport(f.db.pool, chains, runIds, steps);
      expect(report.effects.actual).toEqual(report.effects.expected);
      expect(report.actions.actual).toEqual(report.actions.expected);
      expect(report.journals.actual).toEqual(report.journals.expected);
      // Every step executed once, by one runtime or the other, and each did some.
      expect([...executed.keys()].sort()).toEqual(['runtime-a', 'runtime-b']);
      expect((executed.get('runtime-a') ?? 0) + (executed.get('runtime-b') ?? 0)).toBe(chains.length * steps);
    } finally {
      await Promise.all(runtimes.map((runtime) => runtime.stop()));
      await f.close();
    }
  }, 120_000);
});
