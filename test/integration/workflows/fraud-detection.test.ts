import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findFraudModel, saveFraudModel } from '../../../db/queries/fraud.js';
import { priorFraudModel } from '../../../engine/fraud/index.js';
import { fraudReviewDelayMs } from '../../../machines/workflows/fraud-detection.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { ended, incidentTitles, outputOf, runOf, setAutonomy, waitForRun, withClockAhead } from '../../support/workflows/business-runs.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
  await f.built.runtime.start();
});
afterAll(async () => {
  await f.close();
});

/** A fraud ring's order: a day-old account, a burst of orders, a foreign card, 3 a.m., no history. */
const ringFeatures = { accountAgeDays: 1, customerOrders24h: 5, countryMismatch: true, hourOfDay: 3, previousOrders: 0, paymentMethod: 'card' };
/** A regular: a two-year-old account with history, one order, in the evening. */
const regularFeatures = { accountAgeDays: 700, customerOrders24h: 1, countryMismatch: false, hourOfDay: 19, previousOrders: 12, paymentMethod: 'wallet' };
const order = (orderId: string, features: Record<string, unknown>) => ({ orderId, sku: 'LAMP-1', quantity: 1, unitPriceMinor: 4999, currency: 'USD', customerRef: `cus-${orderId}`, features });

const orderRow = (externalId: string) =>
  f.db.pool.one(sql.type(z.object({ id: z.string(), status: z.string(), blocked_reason: z.string().nullable(), fraud_score: z.number().nullable() }))`
    SELECT id, status, blocked_reason, fraud_score FROM orders WHERE org_unit_id = ${f.orgUnitId} AND external_id = ${externalId}`);

const releaseByHand = (orderId: string) =>
  f.built.app.inject({
    method: 'POST',
    url: `/api/org-units/${f.orgUnitId}/tools/orders.release/calls`,
    headers: bearer(f.tokens.operator),
    payload: { input: { orderId }, idempotencyKey: `release-${orderId}` },
  });

async function expectReplaysClean(runId: string) {
  const report = await f.built.workflows.replay(f.orgUnitId, runId);
  expect(report.divergence).toBeNull();
}

describe('wf_fraud_detection through the durable runtime', () => {
  it('lets a regular order through, scored and recorded', async () => {
    const runId = await runOf(f, 'order.placed', order('good-1', regularFeatures), 'wf_fraud_detection');
    const run = await waitForRun(f, runId, ended);
    expect(run.status).toBe('completed');
    expect(outputOf(run)).toMatchObject({ outcome: 'allowed' });
    const row = await orderRow('good-1');
    expect(row.status).toBe('placed');
    expect(row.fraud_score).toBeLessThan(priorFraudModel.threshold);
    await expectReplaysClean(runId);
  });

  it('blocks a fraud ring order, opens an incident saying why, and keeps it held when a chargeback confirms it', async () => {
    const runId = await runOf(f, 'order.placed', order('ring-1', ringFeatures), 'wf_fraud_detection');
    const waiting = await waitForRun(f, runId, (run) => run.waiting_for === 'timer:review');
    expect(waiting.status).toBe('waiting');
    const row = await orderRow('ring-1');
    expect(row.status).toBe('blocked');
    expect(row.blocked_reason).toMatch(/^fraud score [01]\.\d{3} at or above the threshold 0\.500$/);
    const incident = (await incidentTitles(f)).find((i) => i.title === 'Order ring-1 blocked as likely fraud');
    expect(incident?.description).toContain('a card from another country');

    // The chargeback arrives: its own run labels the order fraud and the model learns.
    const learnRun = await runOf(f, 'chargeback.received', { orderId: 'ring-1', amountMinor: 4999, currency: 'USD', reason: 'not authorised' }, 'wf_fraud_detection');
    expect(outputOf(await waitForRun(f, learnRun, ended))).toMatchObject({ outcome: 'learnt' });
    const learnt = await findFraudModel(f.db.pool, { orgUnitId: f.orgUnitId });
    expect(learnt?.learnt.fraud).toBe(1);
    expect(learnt?.weights.countryMismatch).toBeGreaterThan(priorFraudModel.weights.countryMismatch);

    const done = await withClockAhead(f, fraudReviewDelayMs + 60_000, () => waitForRun(f, runId, ended));
    expect(outputOf(done)).toMatchObject({ outcome: 'held', verdict: 'confirmed_fraud' });
    expect((await orderRow('ring-1')).status).toBe('blocked');
    await expectReplaysClean(runId);
    await expectReplaysClean(learnRun);
  });

  it('learns from a person releasing a blocked order: the review finds the release and the model counts it as good', async () => {
    const runId = await runOf(f, 'order.placed', order('ring-2', ringFeatures), 'wf_fraud_detection');
    await waitForRun(f, runId, (run) => run.waiting_for === 'timer:review');
    const before = await findFraudModel(f.db.pool, { orgUnitId: f.orgUnitId });
    const released = await releaseByHand((await orderRow('ring-2')).id);
    expect(released.statusCode, released.body).toBe(200);

    const done = await withClockAhead(f, fraudReviewDelayMs + 60_000, () => waitForRun(f, runId, ended));
    expect(outputOf(done)).toMatchObject({ outcome: 'released', verdict: 'released_by_person' });
    const after = await findFraudModel(f.db.pool, { orgUnitId: f.orgUnitId });
    expect(after?.learnt.good).toBe((before?.learnt.good ?? 0) + 1);
    expect(after?.weights.countryMismatch).toBeLessThan(before?.weights.countryMismatch ?? Infinity);
    await expectReplaysClean(runId);
  });

  it('releases a false positive itself once the model it learnt no longer scores the order above the threshold', async () => {
    const runId = await runOf(f, 'order.placed', order('ring-3', ringFeatures), 'wf_fraud_detection');
    await waitForRun(f, runId, (run) => run.waiting_for === 'timer:review');
    // Meanwhile the model has learnt a threshold this order no longer reaches.
    const current = (await findFraudModel(f.db.pool, { orgUnitId: f.orgUnitId })) ?? priorFraudModel;
    await saveFraudModel(f.db.pool, { orgUnitId: f.orgUnitId, model: { ...current, version: current.version + 1, threshold: 0.9999 }, at: new Date() });
    try {
      const done = await withClockAhead(f, fraudReviewDelayMs + 60_000, () => waitForRun(f, runId, ended));
      expect(outputOf(done)).toMatchObject({ outcome: 'released', verdict: 'clear' });
      expect((await orderRow('ring-3')).status).toBe('released');
      await expectReplaysClean(runId);
    } finally {
      await saveFraudModel(f.db.pool, { orgUnitId: f.orgUnitId, model: { ...current, version: current.version + 2 }, at: new Date() });
    }
  });

  it('at A1 the release waits for a person to approve it; at A0 scoring is a draft and nothing is written', async () => {
    await setAutonomy(f, 'wf_fraud_detection', 'a0_manual');
    try {
      const runId = await runOf(f, 'order.placed', order('draft-1', regularFeatures), 'wf_fraud_detection');
      const waiting = await waitForRun(f, runId, (run) => (run.waiting_for ?? '').startsWith('draft:'));
      expect(waiting.status).toBe('waiting');
      const written = await f.db.pool.exists(sql.unsafe`SELECT 1 FROM orders WHERE org_unit_id = ${f.orgUnitId} AND external_id = 'draft-1'`);
      expect(written).toBe(false);
    } finally {
      await setAutonomy(f, 'wf_fraud_detection', 'a2_supervised');
    }

    await setAutonomy(f, 'wf_fraud_detection', 'a1_assisted');
    const current = (await findFraudModel(f.db.pool, { orgUnitId: f.orgUnitId })) ?? priorFraudModel;
    try {
      const runId = await runOf(f, 'order.placed', order('ring-4', ringFeatures), 'wf_fraud_detection');
      // Blocking is low risk: it goes ahead at A1.
      await waitForRun(f, runId, (run) => run.waiting_for === 'timer:review');
      await saveFraudModel(f.db.pool, { orgUnitId: f.orgUnitId, model: { ...current, version: current.version + 1, threshold: 0.9999 }, at: new Date() });
      const waiting = await withClockAhead(f, fraudReviewDelayMs + 60_000, () => waitForRun(f, runId, (run) => (run.waiting_for ?? '').startsWith('approval:')));
      expect((await orderRow('ring-4')).status).toBe('blocked');
      const approvalId = (waiting.waiting_for ?? '').slice('approval:'.length);
      const decided = await f.built.app.inject({
        method: 'POST',
        url: `/api/org-units/${f.orgUnitId}/approvals/${approvalId}/decision`,
        headers: bearer(f.tokens.operator),
        payload: { decision: 'approve', reason: 'customer verified' },
      });
      expect(decided.statusCode, decided.body).toBe(200);
      expect(outputOf(await waitForRun(f, runId, ended))).toMatchObject({ outcome: 'released', verdict: 'clear' });
      expect((await orderRow('ring-4')).status).toBe('released');
      await expectReplaysClean(runId);
    } finally {
      await saveFraudModel(f.db.pool, { orgUnitId: f.orgUnitId, model: { ...current, version: current.version + 2 }, at: new Date() });
      await setAutonomy(f, 'wf_fraud_detection', 'a2_supervised');
    }
  });

  it('fails an order for a SKU the shop does not sell with the reason, writing nothing', async () => {
    const runId = await runOf(f, 'order.placed', { ...order('bad-sku', regularFeatures), sku: 'NOPE-9' }, 'wf_fraud_detection');
    const run = await waitForRun(f, runId, ended);
    expect(outputOf(run)).toMatchObject({ outcome: 'failed' });
    expect(String(outputOf(run).failure)).toContain("sku NOPE-9 is not in this org unit's catalog");
    expect(await f.db.pool.exists(sql.unsafe`SELECT 1 FROM orders WHERE org_unit_id = ${f.orgUnitId} AND external_id = 'bad-sku'`)).toBe(false);
  });
});
