import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import { z } from 'zod';
import { migrate } from '../../db/migrate.js';
import { openDatabase } from '../../db/open-database.js';
import { upsertOrgUnit } from '../../db/queries/org-units.js';
import { createRuns } from '../../db/queries/workflow-runs.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config/config.js';
import { createLogger } from '../../server/logging.js';
import type { WorkflowFigures } from './graphile-chain.js';

const orgUnitId = 'bench_workflows';
const chainModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/support/workflows/chain-workflows.ts');

/**
 * The product side of the durable-workflow benchmark: `workflows` runs of a 3-step chain on
 * the real runtime (tool router, governor verdicts, audit, journal, group commit) against
 * PostgreSQL, from creating them all to the last step's effect committed.
 */
export async function runProductWorkflows(options: { connectionString: string; workflows: number; concurrency: number }): Promise<WorkflowFigures> {
  await migrate(options.connectionString);
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.connectionString,
    DATABASE_POOL_SIZE: '20',
    WORKFLOW_CONCURRENCY: String(options.concurrency),
    BOS_WORKFLOW_MODULES: chainModule,
  });
  const database = await openDatabase(config.database);
  const { pool } = database;
  // The server as main builds it, without listening: the same router, governor, audit and runtime.
  const built = await buildApp({ config, database, logger: createLogger(config), readiness: { state: 'serving' } });
  try {
    await upsertOrgUnit(pool, { id: orgUnitId, name: 'Workflow benchmark' });
    await built.governance.policies.installBuiltins(orgUnitId);
    await built.workflows.install([orgUnitId]);
    for (const module of built.workflowModules) await module.prepare?.(pool);
    await pool.query(sql.unsafe`TRUNCATE test_side_effects`);

    const batch = randomUUID().slice(0, 8);
    const started = performance.now();
    const startedAt = new Date();
    for (let from = 0; from < options.workflows; from += 1_000) {
      const runs = Array.from({ length: Math.min(1_000, options.workflows - from) }, (_, index) => ({
        orgUnitId,
        workflowId: 'wf_test_chain3',
        idempotencyKey: `bench-${batch}-${from + index}`,
        triggerEventId: null,
        input: { trigger: { type: 'manual', eventId: null, payload: { chain: `${batch}-${from + index}` } } },
      }));
      await createRuns(pool, runs, startedAt);
    }
    await built.runtime.start();
    const expected = options.workflows * 3;
    for (;;) {
      const written = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM test_side_effects WHERE chain LIKE ${`${batch}-%`}`);
      if (written >= expected) break;
      // Seldom enough not to load the database being measured (the count grows with the
      // table); a run of seconds is timed to within a few per cent.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsedMs = performance.now() - started;
    // A step's latency: from the previous step's effect to its own.
    // The window runs over every step of a chain; only then are the first steps left out.
    const gaps = await pool.anyFirst(sql.type(z.object({ gap: z.number() }))`
      SELECT gap FROM (
        SELECT step, (extract(epoch FROM written_at - lag(written_at) OVER (PARTITION BY chain ORDER BY step)) * 1000)::float8 AS gap
          FROM test_side_effects WHERE chain LIKE ${`${batch}-%`}) AS steps
       WHERE step > 1`);
    const sorted = [...gaps].sort((a, b) => a - b);
    const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      workflowsPerSecond: options.workflows / (elapsedMs / 1000),
      stepsPerSecond: expected / (elapsedMs / 1000),
      stepP50Ms: pick(0.5),
      stepP99Ms: pick(0.99),
      elapsedMs,
    };
  } finally {
    await built.app.close();
    await database.close();
  }
}
