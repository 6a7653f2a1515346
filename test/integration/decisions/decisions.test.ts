import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DecisionDto } from '../../../server/contracts/decisions.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const decide = (body: Record<string, unknown>, token = f.tokens.operator) =>
  f.built.app.inject({ method: 'POST', url: `/api/org-units/${f.orgUnitId}/decisions`, headers: bearer(token), payload: body });
const record = (decisionId: string, body: Record<string, unknown>) =>
  f.built.app.inject({ method: 'POST', url: `/api/org-units/${f.orgUnitId}/decisions/${decisionId}/outcome`, headers: bearer(f.tokens.operator), payload: body });
const contractContext = { revenue: 50000, orders: 1000, marginPercent: 0.25 };

describe('decisions', () => {
  it('chooses an option with its propensity, asks the governor, logs it, and streams decision.made', async () => {
    const response = await decide({ decisionType: 'pricing', context: contractContext });
    expect(response.statusCode).toBe(200);
    const decision = response.json<DecisionDto>();
    expect(['hold', 'down_10', 'down_5', 'up_5', 'up_10']).toContain(decision.selectedOption);
    expect(decision.propensity).toBeGreaterThan(0);
    expect(decision.propensity).toBeLessThanOrEqual(1);
    expect(decision).toMatchObject({ algorithm: 'thompson', status: 'proposed', verdict: { outcome: 'allow' } });
    // The option was simulated in the twin: its forecast and the simulation it came from are kept with it.
    expect(decision.simulationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(decision.predictedImpact).toMatchObject({ horizonDays: 7, revenue: { mean: expect.any(Number), p5: expect.any(Number), p95: expect.any(Number) } });
    const listed = (await f.built.app.inject({ url: `/api/org-units/${f.orgUnitId}/decisions?decisionType=pricing`, headers: bearer(f.tokens.viewer) })).json<{ items: DecisionDto[] }>();
    expect(listed.items.map((item) => item.id)).toContain(decision.id);
    const streamed = await f.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM stream_events WHERE org_unit_id = ${f.orgUnitId} AND payload->>'decisionId' = ${decision.id}`);
    expect(streamed).toEqual(['decision.made']);
  });

  it('carries a pricing decision for a product out through pricing.set_price, by the chosen percent', async () => {
    const before = await f.db.pool.oneFirst(sql.type(z.object({ price_minor: z.number() }))`SELECT price_minor FROM products WHERE id = ${f.productId}`);
    const decision = (await decide({ decisionType: 'pricing', context: contractContext, target: { productId: f.productId }, algorithm: 'linucb' })).json<DecisionDto>();
    expect(decision.actionId).toMatch(/^[0-9a-f-]{36}$/);
    const actionId = decision.actionId ?? '';
    const action = await f.db.pool.one(sql.type(z.object({ tool: z.string(), status: z.string() }))`SELECT tool, status FROM actions WHERE id = ${actionId}`);
    expect(action.tool).toBe('pricing.set_price');
    const after = await f.db.pool.oneFirst(sql.type(z.object({ price_minor: z.number() }))`SELECT price_minor FROM products WHERE id = ${f.productId}`);
    const percent = Number(decision.option?.change.priceChange);
    if (decision.status === 'executed') expect(after).toBe(Math.round((before * (100 + percent)) / 100));
    else expect(after).toBe(before);
    expect(['executed', 'awaiting_approval', 'denied']).toContain(decision.status);
  });

  it('learns from an outcome once: the reward is net of the tool cost and the chosen arm counts one pull', async () => {
    const decision = (await decide({ decisionType: 'ad_spend', context: contractContext, algorithm: 'epsilon_greedy' })).json<DecisionDto>();
    const recorded = await record(decision.id, { value: '120.50', toolCostMinor: 50 });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json<DecisionDto>().reward).toBeCloseTo(120, 9);
    const arm = await f.db.pool.one(sql.type(z.object({ pulls: z.number(), reward_sum: z.number() }))`
      SELECT pulls, reward_sum FROM bandit_arms
       WHERE org_unit_id = ${f.orgUnitId} AND decision_type = 'ad_spend' AND algorithm = 'epsilon_greedy' AND arm_key = ${decision.selectedOption}`);
    expect(arm).toEqual({ pulls: 1, reward_sum: 120 });
    const again = await record(decision.id, { value: '99' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ detail: string }>().detail).toMatch(/already has its outcome/);
    const rewards = await f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM bandit_rewards WHERE decision_id = ${decision.id}`);
    expect(rewards).toBe(1);
  });

  it('freezes decisions on the baseline option while a kill switch covers their domain', async () => {
    const engage = await f.built.app.inject({
      method: 'POST',
      url: `/api/org-units/${f.orgUnitId}/kill-switch`,
      headers: bearer(f.tokens.founder),
      payload: { action: 'engage', scope: 'pricing', reason: 'price war' },
    });
    expect(engage.statusCode).toBe(200);
    try {
      const decisions = await Promise.all([1, 2, 3].map(() => decide({ decisionType: 'pricing', context: contractContext })));
      for (const response of decisions) expect(response.json<DecisionDto>()).toMatchObject({ selectedOption: 'hold', status: 'frozen', frozenBy: 'pricing', propensity: 1 });
      // Other domains decide as usual.
      expect((await decide({ decisionType: 'payout_frequency', context: contractContext })).json<DecisionDto>().status).not.toBe('frozen');
    } finally {
      await f.built.app.inject({ method: 'POST', url: `/api/org-units/${f.orgUnitId}/kill-switch`, headers: bearer(f.tokens.founder), payload: { action: 'release', scope: 'pricing', reason: 'over' } });
    }
  });

  it('refuses a bad context or outcome, naming the field, and writes nothing', async () => {
    const count = () => f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM decisions`);
    const before = await count();
    const margin = await decide({ decisionType: 'pricing', context: { marginPercent: 25 } });
    expect(margin.statusCode).toBe(400);
    expect(JSON.stringify(margin.json())).toContain('context.marginPercent');
    const type = await decide({ decisionType: 'discounts', context: {} });
    expect(type.statusCode).toBe(400);
    expect(JSON.stringify(type.json())).toContain('decisionType');
    const viewer = await decide({ decisionType: 'pricing', context: {} }, f.tokens.viewer);
    expect(viewer.statusCode).toBe(403);
    expect(await count()).toBe(before);
    const value = await record('00000000-0000-4000-8000-000000000000', { value: '12,5' });
    expect(value.statusCode).toBe(400);
    expect(JSON.stringify(value.json())).toContain('value');
  });
});
