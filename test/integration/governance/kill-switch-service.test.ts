import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findIncident } from '../../../db/queries/incidents.js';
import type { Clock } from '../../../engine/kernel/index.js';
import type { EngageResult } from '../../../server/governance/kill-switch-service.js';
import type { RecordedVerdict } from '../../../server/governance/governor-service.js';
import { verifyAuditChain } from '../../../server/governance/audit-verify.js';
import {
  agent,
  auditKinds,
  countWhere,
  createGovernanceFixture,
  founder,
  operator,
  priceChange,
  rejection,
  startMs,
  viewer,
  type GovernanceFixture,
} from './governance-fixture.js';

/**
 * Every reading of this clock is later than the one before, so "evaluated after the
 * commit" is a comparison of two readings; advance() jumps past cache TTLs.
 */
let base = startMs;
let ticks = 0;
const clock: Clock & { advance(ms: number): void } = {
  now: () => base + (ticks += 1),
  advance(ms) {
    base += ms;
  },
};

let fx: GovernanceFixture;
beforeAll(async () => {
  fx = await createGovernanceFixture({ clock, poolSize: 16 });
});
afterAll(async () => {
  await fx.close();
});

const workflowRow = z.object({ id: z.string(), autonomy: z.string(), paused: z.boolean() });

async function addWorkflows(orgUnitId: string): Promise<void> {
  const workflows = [
    ['wf_pricing_optimization', ['pricing.set_price']],
    ['wf_creator_payout', ['payouts.post', 'ledger.transfer']],
    ['wf_content_generation', ['content.publish']],
    ['wf_fraud_detection', []],
  ] as const;
  for (const [id, tools] of workflows) {
    await fx.db.pool.query(sql.unsafe`
      INSERT INTO workflows (org_unit_id, id, name, definition_version, definition, autonomy)
      VALUES (${orgUnitId}, ${id}, ${id}, 1, ${sql.jsonb({ tools: [...tools] })}, 'a3_autonomous')`);
  }
}

async function workflows(orgUnitId: string) {
  const rows = await fx.db.pool.any(sql.type(workflowRow)`SELECT id, autonomy, paused FROM workflows WHERE org_unit_id = ${orgUnitId} ORDER BY id`);
  return Object.fromEntries(rows.map((row) => [row.id, { autonomy: row.autonomy, paused: row.paused }]));
}

async function shop(): Promise<string> {
  const orgUnitId = await fx.newOrgUnit();
  await fx.services.policies.installBuiltins(orgUnitId);
  await addWorkflows(orgUnitId);
  return orgUnitId;
}

describe('the kill switch', () => {
  it('allows no autonomous action evaluated after the engage commits, with 50 in flight around it', async () => {
    const orgUnitId = await shop();
    // Warm the caches so evaluations before the engage are decided at once.
    expect((await fx.services.governor.evaluate(priceChange(orgUnitId))).outcome).toBe('allow');
    const inFlight: Promise<RecordedVerdict>[] = [];
    let engaging: Promise<EngageResult> | undefined;
    let engageStartedAt = 0;
    for (let i = 0; i < 40; i += 1) {
      inFlight.push(fx.services.governor.evaluate(priceChange(orgUnitId, { input: { productId: `p_${i}`, priceMinor: 2_499, costMinor: 1_000 } })));
      if (i === 10) {
        engageStartedAt = clock.now();
        engaging = fx.services.killSwitch.engage({ orgUnitId, scope: 'pricing', reason: 'prices are running away', actor: operator });
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const engaged = await engaging;
    if (!engaged) throw new Error('the engage never started');
    for (let i = 40; i < 50; i += 1) inFlight.push(fx.services.governor.evaluate(priceChange(orgUnitId, { input: { productId: `p_${i}` } })));
    const verdicts = await Promise.all(inFlight);

    const after = verdicts.filter((v) => Date.parse(v.evaluatedAt) > engaged.committedAt);
    expect(after.length).toBeGreaterThanOrEqual(10);
    for (const verdict of after) {
      expect(verdict.outcome).toBe('deny');
      expect(verdict.invariants).toEqual([{ name: 'kill_switch', message: 'the pricing kill switch is engaged: autonomous actions are stopped' }]);
    }
    // The race was real: actions decided before the engage began went through.
    expect(verdicts.filter((v) => Date.parse(v.evaluatedAt) < engageStartedAt && v.outcome === 'allow').length).toBeGreaterThan(0);
  });

  it('engages in one audited transaction: row, critical incident, paused workflows, stream', async () => {
    const orgUnitId = await shop();
    const result = await fx.services.killSwitch.engage({ orgUnitId, scope: 'pricing', reason: 'competitor war', actor: operator });
    expect(result.engagement).toMatchObject({ scope: 'pricing', reason: 'competitor war', engagedBy: operator.id, incidentId: result.incident.id, releasedAt: null });
    expect(result.pausedWorkflows).toEqual(['wf_pricing_optimization']);
    const incident = await findIncident(fx.db.pool, { orgUnitId, id: result.incident.id });
    expect(incident).toMatchObject({ source: 'kill_switch', severity: 'critical', status: 'open', title: 'Kill switch engaged: pricing' });
    expect(incident?.description).toContain('competitor war');
    expect(incident?.description).toContain(result.engagement.engagedAt);
    expect(await workflows(orgUnitId)).toMatchObject({
      wf_pricing_optimization: { paused: true },
      wf_creator_payout: { paused: false },
      wf_fraud_detection: { paused: false },
    });
    expect(await fx.services.killSwitch.state(orgUnitId)).toMatchObject({ scopes: ['pricing'] });
    expect(fx.published).toContainEqual({ orgUnitId, type: 'killswitch.changed', payload: expect.objectContaining({ engaged: ['pricing'], change: 'engaged', scope: 'pricing' }) });
    expect(fx.published).toContainEqual({ orgUnitId, type: 'incident.opened', payload: expect.objectContaining({ id: result.incident.id }) });
    await fx.audit.flush();
    expect((await auditKinds(fx.db, orgUnitId)).slice(-2)).toEqual(['incident.opened', 'kill_switch.engaged']);
    expect(await verifyAuditChain(fx.db.pool, orgUnitId)).toMatchObject({ ok: true });

    // A person's own action is not stopped, nor an autonomous one in another domain.
    expect((await fx.services.governor.evaluate(priceChange(orgUnitId, { actor: operator, autonomous: false }))).outcome).toBe('allow');
    expect((await fx.services.governor.evaluate(priceChange(orgUnitId, { tool: 'ads.set_budget' }))).outcome).toBe('allow');

    const global = await fx.services.killSwitch.engage({ orgUnitId, scope: 'global', reason: 'stop everything', actor: founder });
    expect([...global.pausedWorkflows].sort()).toEqual(['wf_content_generation', 'wf_creator_payout', 'wf_fraud_detection']);
  });

  it('answers 409 when the scope is already engaged, and writes nothing for it', async () => {
    const orgUnitId = await shop();
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'payouts', reason: 'first', actor: operator });
    const incidents = await countWhere(fx.db, 'incidents', orgUnitId);
    const again = await Promise.allSettled([1, 2, 3].map(() => fx.services.killSwitch.engage({ orgUnitId, scope: 'payouts', reason: 'second', actor: founder })));
    for (const outcome of again) {
      expect(outcome.status).toBe('rejected');
      expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ code: 'KILL_SWITCH_ALREADY_ENGAGED', status: 409 });
      expect(outcome.status === 'rejected' && (outcome.reason as Error).message).toContain(`already engaged in ${orgUnitId} since`);
    }
    expect(await countWhere(fx.db, 'incidents', orgUnitId)).toBe(incidents);
    // Still engaged for the governor, which learnt nothing wrong from the refusals.
    expect((await fx.services.governor.evaluate(priceChange(orgUnitId, { tool: 'payouts.post' }))).invariants.map((i) => i.name)).toContain('kill_switch');
  });

  it('is engaged by an operator or founder only', async () => {
    const orgUnitId = await shop();
    for (const actor of [viewer, agent]) {
      expect(await rejection(fx.services.killSwitch.engage({ orgUnitId, scope: 'global', reason: 'x', actor }))).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    }
    expect(await rejection(fx.services.killSwitch.engage({ orgUnitId, scope: 'global', reason: '  ', actor: operator }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await fx.services.killSwitch.state(orgUnitId)).scopes).toEqual([]);
  });

  it('is released by a founder only, which puts its workflows to A0 manual, never back where they were', async () => {
    const orgUnitId = await shop();
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'pricing', reason: 'runaway', actor: operator });
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'payouts', reason: 'fraud wave', actor: operator });

    const refused = await rejection(fx.services.killSwitch.release({ orgUnitId, scope: 'pricing', reason: 'all clear', actor: operator }));
    expect(refused).toMatchObject({ code: 'GOV_DENIED', status: 403 });
    expect(refused.message).toContain('only a founder may do governance.kill_switch.release');
    expect([...(await fx.services.killSwitch.state(orgUnitId)).scopes].sort()).toEqual(['payouts', 'pricing']);
    expect((await fx.services.governor.evaluate(priceChange(orgUnitId))).outcome).toBe('deny');

    const released = await fx.services.killSwitch.release({ orgUnitId, scope: 'pricing', reason: 'all clear', actor: founder });
    expect(released.engagement).toMatchObject({ scope: 'pricing', releasedBy: founder.id, releaseReason: 'all clear', releasedAt: expect.any(String) });
    expect(released.workflows).toEqual([{ id: 'wf_pricing_optimization', paused: false }]);
    expect(await workflows(orgUnitId)).toMatchObject({
      wf_pricing_optimization: { autonomy: 'a0_manual', paused: false },
      wf_creator_payout: { autonomy: 'a3_autonomous', paused: true },
    });
    expect((await fx.services.governor.evaluate(priceChange(orgUnitId))).outcome).toBe('allow');
    expect(fx.published).toContainEqual({ orgUnitId, type: 'killswitch.changed', payload: expect.objectContaining({ engaged: ['payouts'], change: 'released' }) });
    await fx.audit.flush();
    expect(await auditKinds(fx.db, orgUnitId)).toContain('kill_switch.released');

    expect(await rejection(fx.services.killSwitch.release({ orgUnitId, scope: 'pricing', reason: 'again', actor: founder }))).toMatchObject({
      code: 'KILL_SWITCH_NOT_ENGAGED',
      status: 409,
    });
  });

  it('keeps workflows paused on release while another engaged scope still covers them', async () => {
    const orgUnitId = await shop();
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'pricing', reason: 'runaway', actor: operator });
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'global', reason: 'everything', actor: operator });
    const released = await fx.services.killSwitch.release({ orgUnitId, scope: 'pricing', reason: 'pricing is fine', actor: founder });
    expect(released.workflows).toEqual([{ id: 'wf_pricing_optimization', paused: true }]);
    await fx.services.killSwitch.release({ orgUnitId, scope: 'global', reason: 'all clear', actor: founder });
    const after = await workflows(orgUnitId);
    for (const workflow of Object.values(after)) expect(workflow).toEqual({ autonomy: 'a0_manual', paused: false });
  });

  it('reaches another process sharing the database within its TTL', async () => {
    const orgUnitId = await shop();
    const other = fx.secondProcess({ killSwitchTtlMs: 60_000 });
    expect((await other.governor.evaluate(priceChange(orgUnitId))).outcome).toBe('allow');
    await fx.services.killSwitch.engage({ orgUnitId, scope: 'global', reason: 'stop', actor: operator });
    expect((await other.governor.evaluate(priceChange(orgUnitId))).outcome).toBe('allow');
    clock.advance(60_000);
    expect((await other.governor.evaluate(priceChange(orgUnitId))).outcome).toBe('deny');
  });
});
