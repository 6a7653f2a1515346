import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { migrate } from '../../db/migrate.js';
import { openDatabase } from '../../db/open-database.js';
import { upsertOrgUnit } from '../../db/queries/org-units.js';
import { createRuns } from '../../db/queries/workflow-runs.js';
import { seededRandom } from '../../engine/kernel/index.js';
import { workflowCatalog } from '../../engine/workflows/index.js';
import { createAuditWriter } from '../../server/governance/audit-writer.js';
import { createGovernanceServices } from '../../server/governance/governance-services.js';
import { createLedgerService } from '../../server/ledger/ledger-service.js';
import { createToolRegistry } from '../../server/tools/tool-registry.js';
import { createToolRouter } from '../../server/tools/tool-router.js';
import { createWorkflowRuntime } from '../../server/workflows/workflow-runtime.js';
import { createWorkflowService } from '../../server/workflows/workflow-service.js';
import { chainWorkflow, testTools, workflowModule } from '../../test/support/workflows/chain-workflows.js';
import type { WorkflowFigures } from './graphile-chain.js';

const orgUnitId = 'bench_workflows';

/**
 * The product side of the durable-workflow benchmark: `workflows` runs of a 3-step chain on
 * the real runtime (tool router, governor verdicts, audit, journal, group commit) against
 * PostgreSQL, from creating them all to the last step's effect committed.
 */
export async function runProductWorkflows(options: { connectionString: string; workflows: number; concurrency: number }): Promise<WorkflowFigures> {
  const logger = pino({ level: 'warn' });
  await migrate(options.connectionString);
  const database = await openDatabase({ kind: 'postgres', url: options.connectionString, poolSize: 20 });
  const { pool } = database;
  const clock = { now: Date.now };
  const audit = createAuditWriter(pool, { logger });
  const governance = createGovernanceServices({ pool, audit, publish: () => Promise.resolve(undefined), clock, logger });
  const catalog = workflowCatalog([chainWorkflow('wf_test_chain3', 3)]);
  const router = createToolRouter({
    pool,
    governance,
    audit,
    clock,
    logger,
    registry: createToolRegistry(testTools),
    services: { ledger: createLedgerService({ pool, clock, logger }) },
    random: seededRandom(randomUUID()),
  });
  const runtime = createWorkflowRuntime(
    { pool, catalog, router, killSwitch: governance.killSwitchState, clock, logger, announce: () => undefined },
    { concurrency: options.concurrency, listenUrl: options.connectionString, pollMs: 50 },
  );
  try {
    await upsertOrgUnit(pool, { id: orgUnitId, name: 'Workflow benchmark' });
    await governance.policies.installBuiltins(orgUnitId);
    await createWorkflowService({ pool, catalog, runtime, router, governor: governance.governor, incidents: governance.incidents, audit, clock }).install([orgUnitId]);
    await workflowModule.prepare?.(pool);
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
    await runtime.start();
    const expected = options.workflows * 3;
    for (;;) {
      const written = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM test_side_effects WHERE chain LIKE ${`${batch}-%`}`);
      if (written >= expected) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsedMs = performance.now() - started;
    // A step's latency: from the previous step's effect (or the run's creation) to its own.
    const gaps = await pool.anyFirst(sql.type(z.object({ gap: z.number() }))`
      SELECT (extract(epoch FROM written_at - coalesce(lag(written_at) OVER (PARTITION BY chain ORDER BY step), ${sql.timestamp(startedAt)})) * 1000)::float8 AS gap
        FROM test_side_effects WHERE chain LIKE ${`${batch}-%`} AND step > 1`);
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
    await runtime.stop();
    await governance.governor.flush();
    await audit.close();
    await database.close();
  }
}
