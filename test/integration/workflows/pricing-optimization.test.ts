import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunRow } from '../../../db/queries/workflow-runs.js';
import { workflowActor } from '../../../server/workflows/run-executor.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { approveWaitingRun, ended, importTestCatalog, outputOf, setAutonomy, waitForRuns } from '../../support/workflows/builtin-runs.js';

const workflowId = 'wf_pricing_optimization';
const founder = { id: 'founder-test', kind: 'user', role: 'founder' } as const;

let f: AppFixture;
let skus: string[];
beforeAll(async () => {
  f = await createAppFixture();
  await importTestCatalog(f, 11, 4);
  skus = [...(await f.db.pool.anyFirst(sql.type(z.object({ sku: z.string() }))`SELECT sku FROM products WHERE org_unit_id = ${f.orgUnitId} ORDER BY sku`))];
  await f.built.runtime.start();
});
afterAll(async () => f.close());

type Order = { key: string; at: string; sku: string; quantity: number; unitPriceMinor: number };

async function postOrders(orders: readonly Order[]) {
  const events = orders.map((order) => ({
    type: 'order.placed',
    idempotencyKey: order.key,
    occurredAt: order.at,
    payload: { orderId: order.key, sku: order.sku, quantity: order.quantity, unitPriceMinor: order.unitPriceMinor, currency: 'USD', customerRef: 'shopper-1', features: {} },
  }));
  const response = await f.built.app.inject({ method: 'POST', url: '/api/events/batch', headers: bearer(f.tokens.agent), payload: { events } });
  expect(response.statusCode, response.body).toBe(200);
}

/** The pricing runs of these hours of the shop's clock, once each has ended (or met `until`). */
async function runsOfHours(hours: readonly string[], until: (run: RunRow) => boolean = ended): Promise<RunRow[]> {
  const keys = hours.map((hour) => `schedule:${workflowId}:${new Date(hour).toISOString()}`);
  const ids = await f.db.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM workflow_runs WHERE org_unit_id = ${f.orgUnitId} AND idempotency_key = ANY(${sql.array(keys, 'text')}) ORDER BY idempotency_key`);
  expect(ids).toHaveLength(hours.length);
  return waitForRuns(f, ids, until, 120_000);
}

const decisionRow = z.object({ id: z.string(), status: z.string(), chosen_arm: z.string(), action_id: z.string().nullable(), outcome: z.record(z.unknown()).nullable(), reward: z.number().nullable(), context: z.record(z.unknown()) });
const decision = (id: unknown) => f.db.pool.one(sql.type(decisionRow)`SELECT id, status, chosen_arm, action_id, outcome, reward, context FROM decisions WHERE id = ${String(id)}`);
const priceOf = (sku: unknown) => f.db.pool.oneFirst(sql.type(z.object({ price_minor: z.number() }))`SELECT price_minor FROM products WHERE org_unit_id = ${f.orgUnitId} AND sku = ${String(sku)}`);

async function replaysClean(runs: readonly RunRow[]) {
  for (const run of runs) expect((await f.built.workflows.replay(f.orgUnitId, run.id)).divergence, `run ${run.id}`).toBeNull();
}

// Each run forecasts its decision in the twin (a Monte Carlo on the model workers): on two shared cores that takes a while.
describe('wf_pricing_optimization', { timeout: 180_000 }, () => {
  it('runs once per hour of the shop’s clock and sets the decided price through pricing.set_price, carrying the decision', async () => {
    const hours = ['2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'];
    const orders = hours.flatMap((hour, index) => skus.map((sku) => ({ key: `day1-${index}-${sku}`, at: hour.replace(':00:00Z', ':20:00Z'), sku, quantity: 1, unitPriceMinor: 2_500 })));
    await postOrders(orders);
    // The same events again (a shop retrying) start nothing new.
    await postOrders(orders);
    const runs = await runsOfHours(hours);
    for (const run of runs) {
      const output = outputOf(run);
      expect(run.status).toBe('completed');
      expect(output).toMatchObject({ outcome: 'priced', hour: expect.any(String) });
      const logged = await decision(output.decisionId);
      expect(logged).toMatchObject({ status: 'executed', action_id: expect.any(String) });
      // The decided change, in whole minor units, is the price a user now reads.
      const percent = Number(/^(up|down)_(\d+)$/.exec(logged.chosen_arm)?.[2] ?? 0) * (logged.chosen_arm.startsWith('down') ? -1 : 1);
      expect(output.priceMinor).toBe(Math.max(1, Math.round((Number(output.previousPriceMinor) * (100 + percent)) / 100)));
      expect(await priceOf(output.sku)).toBe(output.priceMinor);
      const action = await f.db.pool.one(sql.type(z.object({ tool: z.string(), status: z.string(), input: z.record(z.unknown()) }))`
        SELECT tool, status, input FROM actions WHERE id = ${logged.action_id ?? ''}`);
      expect(action).toMatchObject({ tool: 'pricing.set_price', status: 'succeeded', input: { decisionId: logged.id } });
      // The twin's forecast went with it, for the governor's margin-floor and chance-constrained policies.
      expect(logged.context.forecast).toMatchObject({ projected: { marginPercent: expect.any(Number) }, risk: { pMarginBelowFloor: expect.any(Number) } });
    }
    // Each hour reviews the next product in turn.
    expect(new Set(runs.map((run) => outputOf(run).sku)).size).toBe(3);
    await replaysClean(runs);
  });

  it('learns from the realised revenue once the day it measures has passed, exactly and once', async () => {
    const [first] = await runsOfHours(['2026-03-02T09:00:00Z']);
    const decided = outputOf(first!);
    const measured = await decision(decided.decisionId);
    expect(measured.context).toMatchObject({ measureFrom: '2026-03-03T00:00:00.000Z', measureTo: '2026-03-04T00:00:00.000Z' });
    // The next day's sales of that product: 2 × 61.99 + 1 × 60.00 = 183.98.
    const sku = String(decided.sku);
    await postOrders([
      { key: 'day2-a', at: '2026-03-03T08:05:00Z', sku, quantity: 2, unitPriceMinor: 6_199 },
      { key: 'day2-b', at: '2026-03-03T21:40:00Z', sku, quantity: 1, unitPriceMinor: 6_000 },
    ]);
    // Not yet: the shop's events have not passed the end of the day measured.
    await runsOfHours(['2026-03-03T08:00:00Z', '2026-03-03T21:00:00Z']);
    expect((await decision(decided.decisionId)).outcome).toBeNull();
    const other = skus.find((candidate) => candidate !== sku) ?? sku;
    await postOrders([{ key: 'day3-a', at: '2026-03-04T00:30:00Z', sku: other, quantity: 1, unitPriceMinor: 1_000 }]);
    const [settler] = await runsOfHours(['2026-03-04T00:00:00Z']);
    expect(Number(outputOf(settler!).settled)).toBeGreaterThanOrEqual(1);
    const learned = await decision(decided.decisionId);
    expect(learned.outcome).toMatchObject({ value: '183.98', toolCostMinor: 0 });
    expect(learned.reward).toBeCloseTo(183.98, 9);
    const reward = await f.db.pool.one(sql.type(z.object({ arm_key: z.string(), gross_value: z.string(), n: z.number() }))`
      SELECT arm_key, gross_value::text, count(*) OVER ()::int AS n FROM bandit_rewards WHERE decision_id = ${learned.id}`);
    expect(reward).toEqual({ arm_key: learned.chosen_arm, gross_value: expect.stringMatching(/^183\.98/), n: 1 });
    const pulls = await f.db.pool.oneFirst(sql.type(z.object({ pulls: z.number() }))`
      SELECT pulls FROM bandit_arms WHERE org_unit_id = ${f.orgUnitId} AND decision_type = 'pricing' AND algorithm = 'thompson' AND arm_key = ${learned.chosen_arm}`);
    expect(pulls).toBeGreaterThanOrEqual(1);
    await replaysClean([settler!]);
  });

  it('leaves the price alone when the twin’s forecast breaks the chance constraint', async () => {
    const { policies } = f.built.governance;
    // Stricter than any forecast can meet: every price change is denied on risk.pMarginBelowFloor.
    const strict = await policies.createVersion(
      f.orgUnitId,
      'margin_floor_chance',
      'policy margin_floor_chance\n  on pricing.set_price\n  deny when risk.pMarginBelowFloor >= 0\n  because "no chance of margin below the floor is accepted"\n',
      founder,
    );
    await policies.activate(f.orgUnitId, 'margin_floor_chance', strict.version, founder);
    try {
      const before = await f.db.pool.any(sql.type(z.object({ sku: z.string(), price_minor: z.number() }))`SELECT sku, price_minor FROM products WHERE org_unit_id = ${f.orgUnitId} ORDER BY sku`);
      await postOrders([{ key: 'denied-1', at: '2026-03-05T13:10:00Z', sku: skus[0]!, quantity: 1, unitPriceMinor: 2_000 }]);
      const [run] = await runsOfHours(['2026-03-05T13:00:00Z']);
      const output = outputOf(run!);
      expect(output.outcome).toBe('not_priced');
      expect(String(output.reason)).toMatch(/^GOV_DENIED: .*margin_floor_chance v2: no chance of margin below the floor is accepted/);
      expect((await decision(output.decisionId)).status).toBe('proposed');
      expect(await f.db.pool.any(sql.type(z.object({ sku: z.string(), price_minor: z.number() }))`SELECT sku, price_minor FROM products WHERE org_unit_id = ${f.orgUnitId} ORDER BY sku`)).toEqual(before);
      await replaysClean([run!]);
    } finally {
      await policies.activate(f.orgUnitId, 'margin_floor_chance', 1, founder);
    }
  });

  it('at A1 waits for a person to approve the price; at A0 leaves setting it to a person', async () => {
    await setAutonomy(f, workflowId, 'a1_assisted');
    try {
      await postOrders([{ key: 'assisted-1', at: '2026-03-06T10:10:00Z', sku: skus[0]!, quantity: 1, unitPriceMinor: 2_000 }]);
      const [waiting] = await runsOfHours(['2026-03-06T10:00:00Z'], (run) => run.status === 'waiting' && (run.waiting_for ?? '').startsWith('approval:'));
      await approveWaitingRun(f, waiting!, 'the forecast looks right');
      const [done] = await runsOfHours(['2026-03-06T10:00:00Z']);
      expect(outputOf(done!)).toMatchObject({ outcome: 'priced' });
      expect(await priceOf(outputOf(done!).sku)).toBe(outputOf(done!).priceMinor);
      await replaysClean([done!]);

      await setAutonomy(f, workflowId, 'a0_manual');
      await postOrders([{ key: 'manual-1', at: '2026-03-06T11:10:00Z', sku: skus[0]!, quantity: 1, unitPriceMinor: 2_000 }]);
      const [drafted] = await runsOfHours(['2026-03-06T11:00:00Z'], (run) => run.status === 'waiting' && (run.waiting_for ?? '').startsWith('draft:'));
      const actionId = (drafted!.waiting_for ?? '').slice('draft:'.length);
      const before = await f.db.pool.any(sql.type(z.object({ sku: z.string(), price_minor: z.number() }))`SELECT sku, price_minor FROM products WHERE org_unit_id = ${f.orgUnitId} ORDER BY sku`);
      const discarded = await f.built.app.inject({
        method: 'POST',
        url: `/api/org-units/${f.orgUnitId}/drafts/${actionId}/discard`,
        headers: bearer(f.tokens.operator),
        payload: { reason: 'keeping prices steady this week' },
      });
      expect(discarded.statusCode, discarded.body).toBe(200);
      const [ended] = await runsOfHours(['2026-03-06T11:00:00Z']);
      expect(outputOf(ended!)).toMatchObject({ outcome: 'not_priced', reason: expect.stringContaining('keeping prices steady this week') });
      expect(await f.db.pool.any(sql.type(z.object({ sku: z.string(), price_minor: z.number() }))`SELECT sku, price_minor FROM products WHERE org_unit_id = ${f.orgUnitId} ORDER BY sku`)).toEqual(before);
    } finally {
      await setAutonomy(f, workflowId, 'a2_supervised');
    }
  });

  it('refuses bad input to its tools with the field or the decision at fault, writing nothing', async () => {
    const call = (tool: string, input: Record<string, unknown>, key: string) =>
      f.built.tools.call({ orgUnitId: f.orgUnitId, tool, input, actor: workflowActor(workflowId), mode: 'execute', idempotencyKey: key });
    const countActions = () => f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM actions WHERE org_unit_id = ${f.orgUnitId}`);
    const before = await countActions();
    expect(await call('pricing.decide', { hour: '2026-03-02T09:30:00Z' }, 'bad-hour')).toMatchObject({ status: 'denied', code: 'VALIDATION_FAILED', message: expect.stringContaining('hour: must be on the hour') });
    expect(await call('pricing.settle_outcomes', { asOf: 'yesterday' }, 'bad-as-of')).toMatchObject({ status: 'denied', code: 'VALIDATION_FAILED', message: expect.stringContaining('asOf') });
    const product = await f.db.pool.one(sql.type(z.object({ id: z.string(), price_minor: z.number() }))`SELECT id, price_minor FROM products WHERE org_unit_id = ${f.orgUnitId} ORDER BY sku LIMIT 1`);
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect(await call('pricing.set_price', { productId: product.id, priceMinor: product.price_minor + 1, decisionId: ghost }, 'ghost-decision')).toMatchObject({
      status: 'denied',
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining(`decision ${ghost} does not exist in this org unit`),
    });
    expect(await call('pricing.set_price', { productId: product.id, priceMinor: 19.99 }, 'float-price')).toMatchObject({ status: 'denied', code: 'VALIDATION_FAILED', message: expect.stringContaining('priceMinor') });
    expect(await countActions()).toBe(before);
    expect(await priceOf((await f.db.pool.oneFirst(sql.type(z.object({ sku: z.string() }))`SELECT sku FROM products WHERE id = ${product.id}`)))).toBe(product.price_minor);
  });
});
