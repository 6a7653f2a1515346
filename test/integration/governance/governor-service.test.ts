import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findIncident } from '../../../db/queries/incidents.js';
import { findVerdict } from '../../../db/queries/verdicts.js';
import { actionHash } from '../../../engine/governance/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { verifyAuditChain } from '../../../server/governance/audit-verify.js';
import { auditKinds, countWhere, createGovernanceFixture, founder, priceChange, startMs, type GovernanceFixture } from './governance-fixture.js';

let fx: GovernanceFixture;
const clock = manualClock(startMs);
beforeAll(async () => {
  fx = await createGovernanceFixture({ clock });
});
afterAll(async () => {
  await fx.close();
});

/** An org unit with the built-ins plus one policy of ours, active. */
async function orgWithPolicy(source: string): Promise<string> {
  const orgUnitId = await fx.newOrgUnit();
  await fx.services.policies.installBuiltins(orgUnitId);
  const name = /^policy (\w+)/m.exec(source)?.[1] ?? '';
  const created = await fx.services.policies.createVersion(orgUnitId, name, source, founder);
  await fx.services.policies.activate(orgUnitId, name, created.version, founder);
  return orgUnitId;
}

describe('the governor service', () => {
  it('gives every verdict an id, a stored row and an audit entry', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    const action = priceChange(orgUnitId);
    const verdict = await fx.services.governor.evaluate(action);
    expect(verdict).toMatchObject({ outcome: 'allow', failClosed: false, actionHash: actionHash(action), incidentId: undefined });
    expect(verdict.policyVersions).toEqual([{ name: 'margin_floor', version: 1 }, { name: 'margin_floor_chance', version: 1 }]);
    const row = await findVerdict(fx.db.pool, { orgUnitId, id: verdict.id });
    expect(row).toMatchObject({ outcome: 'allow', fail_closed: false, tool: 'pricing.set_price', actor: 'agent-pricing', action_hash: verdict.actionHash });
    expect(row?.created_at.toISOString()).toBe(verdict.evaluatedAt);

    const denied = await fx.services.governor.evaluate(priceChange(orgUnitId, { projected: { marginPercent: 0.1 } }));
    expect(denied).toMatchObject({ outcome: 'deny', failClosed: false });
    expect(denied.matched.map((m) => m.policy)).toEqual(['margin_floor']);
    expect((await findVerdict(fx.db.pool, { orgUnitId, id: denied.id }))?.reasons).toEqual([
      { kind: 'rule', policy: 'margin_floor', version: 1, rule: 1, effect: 'deny', message: 'margin would fall below the 15% floor' },
    ]);
    await fx.audit.flush();
    const entries = await fx.db.pool.anyFirst(sql.type(z.object({ entry: z.string() }))`
      SELECT entry FROM audit_log WHERE org_unit_id = ${orgUnitId} AND kind = 'verdict' ORDER BY seq`);
    expect(entries.map((entry) => (JSON.parse(entry) as { data: { verdictId: string } }).data.verdictId)).toEqual([verdict.id, denied.id]);
    expect(await verifyAuditChain(fx.db.pool, orgUnitId)).toMatchObject({ ok: true });
  });

  it('fails closed when a policy reads a field the action lacks: deny, flagged, and an incident', async () => {
    const orgUnitId = await orgWithPolicy(`policy competitor_watch
  on pricing.set_price
  deny when context.competitorPriceMinor < action.input.priceMinor
  because "never price above the competitor"
`);
    const verdict = await fx.services.governor.evaluate(priceChange(orgUnitId));
    expect(verdict).toMatchObject({ outcome: 'deny', failClosed: true, matched: [] });
    expect(verdict.failures).toEqual([expect.objectContaining({ policy: 'competitor_watch', version: 1, rule: 1, code: 'POLICY_FIELD_MISSING' })]);
    expect(verdict.incidentId).toEqual(expect.any(String));
    const incident = await findIncident(fx.db.pool, { orgUnitId, id: verdict.incidentId ?? '' });
    expect(incident).toMatchObject({ source: 'policy', status: 'open', severity: 'high', links: [{ kind: 'verdict', id: verdict.id }] });
    expect(incident?.description).toContain('competitor_watch v1 rule 1 (POLICY_FIELD_MISSING)');
    expect((await findVerdict(fx.db.pool, { orgUnitId, id: verdict.id }))?.fail_closed).toBe(true);
    expect(fx.published).toContainEqual(expect.objectContaining({ orgUnitId, type: 'incident.opened' }));
    await fx.audit.flush();
    expect(await auditKinds(fx.db, orgUnitId)).toEqual(expect.arrayContaining(['verdict', 'incident.opened']));

    // With the field present the same policy gives a real verdict, never flagged.
    const real = await fx.services.governor.evaluate(priceChange(orgUnitId, { context: { competitorPriceMinor: 1_999 } }));
    expect(real).toMatchObject({ outcome: 'deny', failClosed: false, incidentId: undefined });
  });

  it('fails closed when a policy throws, and joins repeats of the same failure to one incident', async () => {
    const orgUnitId = await orgWithPolicy(`policy rounding
  on pricing.set_price
  deny when round(projected.marginPercent, 40) > 0.9
  because "too rich"
`);
    const first = await fx.services.governor.evaluate(priceChange(orgUnitId));
    const second = await fx.services.governor.evaluate(priceChange(orgUnitId));
    for (const verdict of [first, second]) {
      expect(verdict).toMatchObject({ outcome: 'deny', failClosed: true });
      expect(verdict.failures.map((f) => f.code)).toEqual(['POLICY_EVAL_ERROR']);
    }
    expect(second.incidentId).toBe(first.incidentId);
    expect(await countWhere(fx.db, 'incidents', orgUnitId)).toBe(1);
    // After the window a recurring failure is news again.
    clock.advance(10 * 60_000);
    const later = await fx.services.governor.evaluate(priceChange(orgUnitId));
    expect(later.incidentId).not.toBe(first.incidentId);
    expect(await countWhere(fx.db, 'incidents', orgUnitId)).toBe(2);
  });

  it('fails closed when no policy is loaded for a tool that requires one', async () => {
    const orgUnitId = await fx.newOrgUnit();
    const verdict = await fx.services.governor.evaluate(priceChange(orgUnitId));
    expect(verdict).toMatchObject({ outcome: 'deny', failClosed: true });
    expect(verdict.failures).toEqual([expect.objectContaining({ code: 'POLICY_MISSING' })]);
    expect(verdict.incidentId).toEqual(expect.any(String));
    // Tools no built-in covers may run without a policy.
    const content = await fx.services.governor.evaluate(priceChange(orgUnitId, { tool: 'content.publish', projected: undefined }));
    expect(content).toMatchObject({ outcome: 'allow', failClosed: false });
  });

  it('fails closed on a stored version that no longer compiles, but still lets the founder retire it', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    await fx.db.pool.query(sql.unsafe`
      INSERT INTO policies (org_unit_id, name, version, source, source_sha256, status, created_by)
      VALUES (${orgUnitId}, 'legacy', 1, 'policy legacy\n  on *\n  deny when frobnicate(1) because "x"\n', ${'0'.repeat(64)}, 'active', 'founder-1')`);
    fx.services.policySets.invalidate(orgUnitId);
    const verdict = await fx.services.governor.evaluate(priceChange(orgUnitId, { tool: 'content.publish' }));
    expect(verdict).toMatchObject({ outcome: 'deny', failClosed: true });
    expect(verdict.failures).toEqual([expect.objectContaining({ policy: 'legacy', code: 'POLICY_UNCOMPILABLE' })]);
    // governance.* is judged by the invariants alone, so a broken policy cannot lock the founder out.
    await fx.services.policies.retire(orgUnitId, 'legacy', 1, founder);
    expect(await fx.services.governor.evaluate(priceChange(orgUnitId, { tool: 'content.publish' }))).toMatchObject({ outcome: 'allow' });
  });

  it('hashes actions the twin marks with an infinite runway, and tells apart actions that differ', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    const base = priceChange(orgUnitId, { projected: { marginPercent: 0.4, cashRunwayDays: Number.POSITIVE_INFINITY } });
    const verdict = await fx.services.governor.evaluate(base);
    expect(verdict.outcome).toBe('allow');
    expect(actionHash({ ...base, input: { ...base.input, priceMinor: 2_500 } })).not.toBe(verdict.actionHash);
    // Key order does not matter (RFC 8785), values do.
    expect(actionHash({ ...base, input: { costMinor: 1_000, currentPriceMinor: 2_299, priceMinor: 2_499, productId: 'p_1' } })).toBe(verdict.actionHash);
  });

  it('applies its own policy changes at once and another process\'s within the TTL', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    const other = fx.secondProcess({ policyTtlMs: 1000 });
    const cheap = priceChange(orgUnitId, { input: { productId: 'p_1', priceMinor: 999, currentPriceMinor: 2_299, costMinor: 1_000 } });
    expect((await other.governor.evaluate(cheap)).outcome).toBe('allow');
    const created = await fx.services.policies.createVersion(
      orgUnitId,
      'below_cost',
      'policy below_cost\n  on pricing.set_price\n  deny when action.input.priceMinor < action.input.costMinor because "below unit cost"\n',
      founder,
    );
    await fx.services.policies.activate(orgUnitId, 'below_cost', created.version, founder);
    expect((await fx.services.governor.evaluate(cheap)).outcome).toBe('deny');
    // The other process still trusts what it loaded, until the TTL runs out.
    expect((await other.governor.evaluate(cheap)).outcome).toBe('allow');
    clock.advance(1000);
    expect((await other.governor.evaluate(cheap)).outcome).toBe('deny');
  });
});
