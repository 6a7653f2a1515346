import { sql } from 'slonik';
import { z } from 'zod';
import { findRun, type RunRow } from '../../../db/queries/workflow-runs.js';
import { workflowCatalog } from '../../../engine/workflows/index.js';
import { builtinWorkflows } from '../../../machines/workflows/index.js';
import { createWorkflowRuntime } from '../../../server/workflows/workflow-runtime.js';
import { bearer, type AppFixture } from '../app-fixture.js';

/** Helpers for tests that drive the built-in business workflows through the real runtime. */

let eventCount = 0;

/** Posts a business event as the shop would; returns the runs it started. */
export async function postEvent(f: AppFixture, type: string, payload: Record<string, unknown>, occurredAt = new Date().toISOString()) {
  eventCount += 1;
  const response = await f.built.app.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(f.tokens.operator),
    payload: { type, idempotencyKey: `test-${type}-${eventCount}-${Date.now()}`, occurredAt, payload },
  });
  if (response.statusCode !== 201) throw new Error(`event ${type} refused: ${response.body}`);
  return response.json<{ id: string; runs: { runId: string; workflowId: string }[] }>();
}

export async function runOf(f: AppFixture, type: string, payload: Record<string, unknown>, workflowId: string, occurredAt?: string): Promise<string> {
  const { runs } = await postEvent(f, type, payload, occurredAt);
  const run = runs.find((r) => r.workflowId === workflowId);
  if (!run) throw new Error(`${type} started no ${workflowId} run (started ${JSON.stringify(runs)})`);
  return run.runId;
}

export async function waitForRun(f: AppFixture, id: string, until: (run: RunRow) => boolean, timeoutMs = 20_000): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await findRun(f.db.pool, f.orgUnitId, id);
    if (run && until(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} is ${run?.status} (${run?.waiting_for ?? ''}); ${JSON.stringify(run?.snapshot).slice(0, 600)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const ended = (run: RunRow) => run.status === 'completed' || run.status === 'failed';

/** The run's output (its machine's final output), once it has ended. */
export function outputOf(run: RunRow): Record<string, unknown> {
  return (run.snapshot as { machine?: { output?: Record<string, unknown> } } | null)?.machine?.output ?? {};
}

/**
 * Lets durable timers fall due: the app's runtime stops and one whose clock runs `aheadMs`
 * ahead drives the runs, as a server would once that much time had passed.
 */
export async function withClockAhead<T>(f: AppFixture, aheadMs: number, work: () => Promise<T>): Promise<T> {
  await f.built.runtime.stop();
  const runtime = createWorkflowRuntime(
    {
      pool: f.db.pool,
      catalog: workflowCatalog(builtinWorkflows),
      router: f.built.tools,
      killSwitch: f.built.governance.killSwitchState,
      clock: { now: () => Date.now() + aheadMs },
      logger: f.built.app.log as never,
      announce: () => undefined,
    },
    { pollMs: 50 },
  );
  await runtime.start();
  try {
    return await work();
  } finally {
    await runtime.stop();
    await f.built.runtime.start();
  }
}

export async function setAutonomy(f: AppFixture, workflowId: string, autonomyLevel: string): Promise<void> {
  const response = await f.built.app.inject({ method: 'POST', url: `/api/workflows/${workflowId}/autonomy`, headers: bearer(f.tokens.founder), payload: { autonomyLevel } });
  if (response.statusCode !== 200) throw new Error(`autonomy ${autonomyLevel} refused: ${response.body}`);
}

export async function approve(f: AppFixture, approvalId: string): Promise<void> {
  const response = await f.built.app.inject({
    method: 'POST',
    url: `/api/org-units/${f.orgUnitId}/approvals/${approvalId}/decision`,
    headers: bearer(f.tokens.operator),
    payload: { decision: 'approve', reason: 'checked by hand' },
  });
  if (response.statusCode !== 200) throw new Error(`approval refused: ${response.body}`);
}

export async function incidentTitles(f: AppFixture): Promise<readonly { title: string; description: string }[]> {
  return f.db.pool.any(sql.type(z.object({ title: z.string(), description: z.string() }))`
    SELECT title, description FROM incidents WHERE org_unit_id = ${f.orgUnitId} ORDER BY opened_at, id`);
}
