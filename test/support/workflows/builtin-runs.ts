import { expect } from 'vitest';
import { findRun, type RunRow } from '../../../db/queries/workflow-runs.js';
import { importCatalog } from '../../../db/queries/catalog.js';
import { generateCatalog, type Catalog } from '../../../engine/world/index.js';
import { bearer, type AppFixture } from '../app-fixture.js';

/** What tests of the built-in workflows share: a catalog with facts, waiting on runs, autonomy changes. */

/** Imports a generated catalog's products (with the facts content is written from) into the fixture's org unit. */
export async function importTestCatalog(f: AppFixture, seed: number, products: number): Promise<Catalog> {
  const catalog = generateCatalog({ seed, products, creators: 1 });
  await importCatalog(f.db.pool, { orgUnitId: f.orgUnitId, currency: catalog.currency, products: catalog.products, creators: catalog.creators });
  return catalog;
}

export async function waitForRuns(f: AppFixture, ids: readonly string[], until: (run: RunRow) => boolean, timeoutMs = 30_000): Promise<RunRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await Promise.all(ids.map((id) => findRun(f.db.pool, f.orgUnitId, id)));
    if (runs.every((run) => run && until(run))) return runs as RunRow[];
    if (Date.now() > deadline) throw new Error(`runs not there yet: ${JSON.stringify(runs.map((run) => [run?.status, run?.waiting_for, run?.error]))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const ended = (run: RunRow) => run.status === 'completed' || run.status === 'failed';

export async function setAutonomy(f: AppFixture, workflowId: string, autonomyLevel: string): Promise<void> {
  const response = await f.built.app.inject({ method: 'POST', url: `/api/workflows/${workflowId}/autonomy`, headers: bearer(f.tokens.founder), payload: { autonomyLevel } });
  expect(response.statusCode, response.body).toBe(200);
}

/** The run's output once it completed (the machine's `output`). */
export function outputOf(run: RunRow): Record<string, unknown> {
  const snapshot = run.snapshot as { machine?: { output?: Record<string, unknown> } } | null;
  return snapshot?.machine?.output ?? {};
}

/** An operator approves what the run waits on (its `waiting_for` is `approval:<id>`). */
export async function approveWaitingRun(f: AppFixture, run: RunRow, reason: string): Promise<void> {
  const approvalId = (run.waiting_for ?? '').slice('approval:'.length);
  const decided = await f.built.app.inject({
    method: 'POST',
    url: `/api/org-units/${f.orgUnitId}/approvals/${approvalId}/decision`,
    headers: bearer(f.tokens.operator),
    payload: { decision: 'approve', reason },
  });
  expect(decided.statusCode, decided.body).toBe(200);
}
