import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateCatalog } from '../../../engine/world/index.js';
import { createApiToken } from '../../../server/auth/token-service.js';
import { seedOrgUnit } from '../../../server/cli/commands/seed.js';
import { createWorld, createWorldRunner } from '../../../server/world/index.js';
import { inProcessShop } from '../../../server/world/live-world.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { withClockAhead } from '../../support/workflows/business-runs.js';

/**
 * lsn_main run by the simulated shop for 30 days with every built-in workflow at A2: each
 * workflow's runs complete, decisions stream, the audit chain verifies and the ledger
 * balances. A small catalog (2 products, 2 creators) keeps it to about 1,300 runs: 500 orders
 * scored, 720 hourly pricing runs, the content requests and the payouts due.
 */
const org = 'lsn_main';
const catalog = { seed: 1, products: 2, creators: 2 };
let f: AppFixture;
let founder: string;

beforeAll(async () => {
  f = await createAppFixture();
  await seedOrgUnit(f.db.pool, { orgUnitId: org, name: 'Live Shopping Network', ...catalog }, { now: Date.now(), progress: () => undefined });
  await f.built.governance.policies.installBuiltins(org);
  await f.built.workflows.install([org]);
  founder = (await createApiToken(f.db.pool, { orgUnitId: org, name: 'month-founder', role: 'founder', now: Date.now() })).token;
  await f.built.runtime.start();
}, 120_000);
afterAll(async () => {
  await f.close();
});

const api = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
  const response = await f.built.app.inject({ method, url, headers: bearer(founder), ...(payload ? { payload } : {}) });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json<T>();
};

const runCounts = z.object({ workflow_id: z.string(), status: z.string(), n: z.number() });

/** Run counts by workflow and status, once none is in one of `busy` (or the time is up). */
async function runsOnceNone(busy: readonly string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await f.db.pool.any(sql.type(runCounts)`
      SELECT workflow_id, status, count(*)::int AS n FROM workflow_runs WHERE org_unit_id = ${org} GROUP BY 1, 2 ORDER BY 1, 2`);
    const open = rows.filter((row) => busy.includes(row.status));
    if (open.length === 0 || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('a month of the simulated shop at A2', () => {
  it('completes every workflow, streams decisions, keeps the audit chain and the ledger whole', async () => {
    const { items } = await api<{ items: { id: string }[] }>('GET', `/api/org-units/${org}/workflows`);
    const workflowIds = items.map((item) => item.id).sort();
    expect(workflowIds).toEqual(['wf_content_generation', 'wf_creator_payout', 'wf_fraud_detection', 'wf_pricing_optimization']);
    for (const id of workflowIds) await api('POST', `/api/workflows/${id}/autonomy`, { autonomyLevel: 'a2_supervised' });

    const world = createWorld({ seed: 'month', catalog: generateCatalog(catalog) });
    const runner = createWorldRunner({
      world,
      ...(await inProcessShop({ pool: f.db.pool, ingestion: f.built.ingestion, orgUnitId: org, world, payoutEveryDays: 7 })),
      startDate: '2026-10-01',
      msPerDay: 0,
    });
    const days = await runner.runDays(30);
    expect(days).toHaveLength(30);

    await runsOnceNone(['pending', 'running'], 600_000);
    // Blocked orders wait a day for their review: a runtime whose clock is two days on lets it fall due.
    const runs = await withClockAhead(f, 2 * 86_400_000, () => runsOnceNone(['pending', 'running', 'waiting'], 300_000));
    const byWorkflow = (id: string, status: string) => runs.find((row) => row.workflow_id === id && row.status === status)?.n ?? 0;
    for (const id of workflowIds) expect(byWorkflow(id, 'completed'), id).toBeGreaterThan(0);
    expect(runs.filter((row) => row.status !== 'completed'), 'runs not completed').toEqual([]);
    // Fraud detection runs on every order placed and learns from every chargeback.
    const fraudTriggers = days.reduce((sum, day) => sum + day.summary.orders + day.summary.chargebacks, 0);
    expect(byWorkflow('wf_fraud_detection', 'completed')).toBe(fraudTriggers);

    const decisions = await f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM stream_events WHERE org_unit_id = ${org} AND type = 'decision.made'`);
    expect(decisions).toBeGreaterThan(0);
    expect(await api('GET', `/api/org-units/${org}/audit/verify`)).toMatchObject({ ok: true });
    expect(await api('GET', `/api/org-units/${org}/ledger/trial-balance`)).toMatchObject({ balanced: true });
  }, 900_000);
});
