import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { insertDecision, settleDecisionOutcome } from '../../../db/queries/decisions.js';
import { contextFeatures, defaultArms } from '../../../engine/decisions/index.js';
import { seededRandom } from '../../../engine/kernel/index.js';
import type { DecisionDto, DecisionPolicyDto, PolicyReportDto } from '../../../server/contracts/decisions.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
  f.built.app.inject({ method, url: `/api/org-units/${f.orgUnitId}${url}`, headers: bearer(token), ...(payload ? { payload } : {}) });
const context = { revenue: 50000, orders: 1000, marginPercent: 0.25 };
const auditKinds = (kind: string) =>
  f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM audit_log WHERE org_unit_id = ${f.orgUnitId} AND kind = ${kind}`);

/** Logs `count` acted decisions of a type by epsilon-greedy, each rewarded by `reward(option)`. */
async function logDecisions(decisionType: string, count: number, reward: (option: string) => string): Promise<DecisionDto[]> {
  const made: DecisionDto[] = [];
  for (let i = 0; i < count; i += 1) {
    const decision = (await api('POST', '/decisions', f.tokens.operator, { decisionType, context: { ...context, orders: 900 + i }, algorithm: 'epsilon_greedy' })).json<DecisionDto>();
    expect((await api('POST', `/decisions/${decision.id}/outcome`, f.tokens.operator, { value: reward(decision.selectedOption) })).statusCode).toBe(200);
    made.push(decision);
  }
  return made;
}

/** Logs 40 acted pricing decisions of a known policy, choosing uniformly at random (propensity 1/5), each rewarded by `pays(option)`. */
async function logUniformly(orgUnitId: string, policyVersion: string, firstOrders: number, pays: (option: string) => number): Promise<void> {
  const arms = defaultArms.pricing;
  const pick = seededRandom(policyVersion);
  for (let i = 0; i < 40; i += 1) {
    const at = new Date(Date.now() + i);
    const arm = pick.pick(arms);
    const id = randomUUID();
    const logged = { ...context, orders: firstOrders + i };
    await insertDecision(f.db.pool, {
      id, orgUnitId, decisionType: 'pricing', context: logged, features: Array.from(contextFeatures(logged, at)),
      arms, chosenArm: arm.key, propensity: 1 / arms.length, algorithm: 'epsilon_greedy', policyVersion, shadow: false,
      predictedImpact: null, simulationId: null, verdictId: null, actionId: null, status: 'executed', at,
    });
    await settleDecisionOutcome(f.db.pool, { orgUnitId, id, outcome: { value: String(pays(arm.key)) }, reward: pays(arm.key), at });
  }
}

describe('decision policies: shadow, off-policy report, promotion', () => {
  it('runs a candidate in shadow beside the live policy, estimates it off-policy, and promotes it when its lower bound beats the log', async () => {
    const started = await api('POST', '/decision-policies', f.tokens.operator, { decisionType: 'pricing', algorithm: 'linucb', name: 'pricing-linucb' });
    expect(started.statusCode).toBe(200);
    const policy = started.json<DecisionPolicyDto>();
    expect(policy).toMatchObject({ decisionType: 'pricing', algorithm: 'linucb', status: 'shadow' });
    expect((await api('POST', '/decision-policies', f.tokens.operator, { decisionType: 'pricing', algorithm: 'thompson' })).statusCode).toBe(409);

    // Raising the price 5 % pays; the rest barely do.
    const pays = (option: string) => (option === 'up_5' ? 100 : 10);
    const made = await logDecisions('pricing', 8, (option) => String(pays(option)));
    const shadowed = await f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM decisions WHERE experiment_id = ${policy.id} AND shadow AND status = 'shadow' AND algorithm = 'linucb'`);
    expect(shadowed).toBe(made.length);
    // The candidate learnt from every outcome of the live policy.
    const candidatePulls = await f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT sum(pulls)::int AS n FROM bandit_arms WHERE org_unit_id = ${f.orgUnitId} AND decision_type = 'pricing' AND algorithm = 'linucb'`);
    expect(candidatePulls).toBe(made.length);

    // A known logging policy: 40 more decisions choosing uniformly at random (propensity 1/5).
    await logUniformly(f.orgUnitId, 'uniform-logger', 950, pays);

    const report = (await api('GET', '/decision-policies/report?decisionType=pricing&candidate=linucb', f.tokens.viewer)).json<PolicyReportDto>();
    expect(report).toMatchObject({ decisionType: 'pricing', candidate: 'linucb', trainedOn: 24, beatsLive: true });
    expect(report.doublyRobust.n).toBe(24);
    expect(report.doublyRobust.lower).toBeGreaterThan(report.logged.estimate);

    expect((await api('POST', `/decision-policies/${policy.id}/promote`, f.tokens.operator)).statusCode).toBe(403);
    const promoted = await api('POST', `/decision-policies/${policy.id}/promote`, f.tokens.founder);
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json<DecisionPolicyDto>()).toMatchObject({ status: 'promoted', report: { beatsLive: true, guardrail: { favouredOption: 'up_5', verdict: 'allow' } } });
    expect(await auditKinds('decision_policy.promoted')).toBe(1);
    // The promoted algorithm is now the live one for pricing.
    const next = (await api('POST', '/decisions', f.tokens.operator, { decisionType: 'pricing', context })).json<DecisionDto>();
    expect(next.algorithm).toBe('linucb');
  }, 180_000);

  it('refuses a promotion whose lower bound does not beat the log, keeps it in shadow, and audits the refusal', async () => {
    const policy = (await api('POST', '/decision-policies', f.tokens.operator, { decisionType: 'ad_spend', algorithm: 'thompson' })).json<DecisionPolicyDto>();
    // Every option earns the same: nothing to gain by switching.
    await logDecisions('ad_spend', 40, () => '10');
    const refused = await api('POST', `/decision-policies/${policy.id}/promote`, f.tokens.founder);
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ detail: string }>().detail).toMatch(/stays in shadow: its doubly robust lower bound .* does not beat the logged value 10\.0000/);
    expect(await auditKinds('decision_policy.promotion_refused')).toBe(1);
    const listed = (await api('GET', '/decision-policies?decisionType=ad_spend', f.tokens.viewer)).json<{ items: DecisionPolicyDto[] }>();
    expect(listed.items.map((item) => item.status)).toEqual(['shadow']);
  }, 180_000);

  it("raises a workflow to A3 only when its live policy's lower bound beats the log, and audits a refusal", async () => {
    const raise = (token: string, autonomyLevel: string) =>
      f.built.app.inject({ method: 'POST', url: '/api/workflows/wf_pricing_optimization/autonomy', headers: bearer(token), payload: { autonomyLevel } });
    /** The `data` of the org unit's newest audit entry of a kind. */
    const auditData = async (org: string, kind: string) => {
      const entry = await f.db.pool.oneFirst(sql.type(z.object({ entry: z.string() }))`
        SELECT entry FROM audit_log WHERE org_unit_id = ${org} AND kind = ${kind} ORDER BY seq DESC LIMIT 1`);
      return (JSON.parse(entry) as { data: Record<string, unknown> }).data;
    };
    const evidenceOf = async (org: string) => (await auditData(org, 'autonomy.changed')).evidence;

    // org_alpha's pricing log (the test above) shows raising the price 5 % pays: the raise is judged and goes ahead.
    expect((await raise(f.tokens.founder, 'a3_autonomous')).statusCode).toBe(200);
    expect(await evidenceOf(f.orgUnitId)).toMatchObject({ decisionType: 'pricing', algorithm: 'linucb', judged: true, reasons: [], report: { beatsLive: true } });

    // org_beta has no outcomes yet: nothing can be shown either way, so it rests on the founder's word, and says so.
    const org = f.otherOrgUnitId;
    expect((await raise(f.otherOrgFounderToken, 'a3_autonomous')).statusCode).toBe(200);
    expect(await evidenceOf(org)).toMatchObject({ judged: false, note: expect.stringMatching(/needs at least 40 acted decisions with outcomes/) });
    expect((await raise(f.otherOrgFounderToken, 'a2_supervised')).statusCode).toBe(200);

    // Then 40 outcomes where every price earns the same: no policy beats the log, and the raise is refused.
    await logUniformly(org, 'flat-logger', 900, () => 10);
    // Its favoured option is judged on the twin's forecast, which needs a product to run on.
    const noShop = await raise(f.otherOrgFounderToken, 'a4_self_optimizing');
    expect(noShop.statusCode).toBe(409);
    expect(noShop.json<{ detail: string }>().detail).toBe('org_beta has no active products: there is nothing to simulate');
    await f.db.pool.query(sql.unsafe`
      INSERT INTO products (org_unit_id, sku, name, category, price_minor, unit_cost_minor, stock)
      VALUES (${org}, 'MUG-1', 'Stone Mug', 'home', 1899, 700, 120)`);
    const refused = await raise(f.otherOrgFounderToken, 'a4_self_optimizing');
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ detail: string }>().detail).toMatch(/wf_pricing_optimization stays at a2_supervised: its doubly robust lower bound .* does not beat the logged value 10\.0000/);
    expect(await auditData(org, 'autonomy.raise_refused')).toMatchObject({ workflowId: 'wf_pricing_optimization', to: 'a4_self_optimizing', evidence: { judged: true, report: { beatsLive: false } } });
    const workflows = (await f.built.app.inject({ url: `/api/org-units/${org}/workflows`, headers: bearer(f.otherOrgFounderToken) })).json<{ items: { id: string; autonomy: string }[] }>();
    expect(workflows.items.find((item) => item.id === 'wf_pricing_optimization')?.autonomy).toBe('a2_supervised');
    // Lowering needs no evidence.
    expect((await raise(f.otherOrgFounderToken, 'a1_assisted')).statusCode).toBe(200);
  }, 180_000);

  it('needs enough logged outcomes to report, and names what is wrong with a bad request', async () => {
    const few = await api('GET', '/decision-policies/report?decisionType=creator_allocation&candidate=linucb', f.tokens.viewer);
    expect(few.statusCode).toBe(409);
    expect(few.json<{ detail: string }>().detail).toMatch(/needs at least 40 acted decisions with outcomes; .* has 0/);
    const bad = await api('POST', '/decision-policies', f.tokens.operator, { decisionType: 'pricing', algorithm: 'greedy' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('algorithm');
    expect((await api('POST', '/decision-policies/00000000-0000-4000-8000-000000000000/promote', f.tokens.founder)).statusCode).toBe(404);
  });
});
