import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPolicies } from '../../../engine/governance/index.js';
import { rowCounts } from '../../support/row-counts.js';
import {
  agent,
  auditKinds,
  countWhere,
  createGovernanceFixture,
  founder,
  operator,
  priceChange,
  rejection,
  type GovernanceFixture,
} from './governance-fixture.js';

let fx: GovernanceFixture;
beforeAll(async () => {
  fx = await createGovernanceFixture();
});
afterAll(async () => {
  await fx.close();
});

const stricterFloor = `# Raise the floor from 15% to 25%.
policy margin_floor
  on pricing.set_price
  deny when projected.marginPercent < 0.25
  because "margin would fall below the 25% floor"
`;

describe('the policy store', () => {
  it('installs the built-ins as active version 1, once', async () => {
    const orgUnitId = await fx.newOrgUnit();
    const installed = await fx.services.policies.installBuiltins(orgUnitId);
    expect(installed.map((p) => [p.name, p.version, p.status, p.builtin])).toEqual(builtinPolicies.map((p) => [p.name, 1, 'active', true]));
    expect(await fx.services.policies.installBuiltins(orgUnitId)).toEqual([]);
    expect(await countWhere(fx.db, 'policies', orgUnitId)).toBe(builtinPolicies.length);
    await fx.audit.flush();
    expect(await auditKinds(fx.db, orgUnitId)).toEqual(builtinPolicies.map(() => 'policy.changed'));
  });

  it('does not reinstall a built-in the founder has retired', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    await fx.services.policies.retire(orgUnitId, 'large_refund_approval', 1, founder);
    expect(await fx.services.policies.installBuiltins(orgUnitId)).toEqual([]);
    expect((await fx.services.policies.get(orgUnitId, 'large_refund_approval', 1)).status).toBe('retired');
  });

  it('takes a new version through draft → shadow (evaluated, recorded, not enforced) → active', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    const action = priceChange(orgUnitId, { projected: { marginPercent: 0.2 } });

    const draft = await fx.services.policies.createVersion(orgUnitId, 'margin_floor', stricterFloor, founder);
    expect(draft).toMatchObject({ name: 'margin_floor', version: 2, status: 'draft', builtin: false, createdBy: founder.id });
    const whileDraft = await fx.services.governor.evaluate(action);
    expect(whileDraft).toMatchObject({ outcome: 'allow', shadow: undefined });

    await fx.services.policies.shadow(orgUnitId, 'margin_floor', 2, founder);
    const whileShadow = await fx.services.governor.evaluate(action);
    expect(whileShadow.outcome).toBe('allow');
    expect(whileShadow.policyVersions).toEqual([{ name: 'margin_floor', version: 1 }, { name: 'margin_floor_chance', version: 1 }]);
    expect(whileShadow.shadow).toMatchObject({ outcome: 'deny', matched: [{ policy: 'margin_floor', version: 2, effect: 'deny' }] });

    const active = await fx.services.policies.activate(orgUnitId, 'margin_floor', 2, founder);
    expect(active).toMatchObject({ status: 'active', activatedAt: expect.any(String) });
    const enforced = await fx.services.governor.evaluate(action);
    expect(enforced).toMatchObject({ outcome: 'deny', failClosed: false, shadow: undefined });
    expect(enforced.policyVersions).toEqual([{ name: 'margin_floor', version: 2 }, { name: 'margin_floor_chance', version: 1 }]);
    expect((await fx.services.policies.get(orgUnitId, 'margin_floor', 1)).status).toBe('retired');
    expect((await fx.services.policies.list(orgUnitId, { name: 'margin_floor' })).map((p) => [p.version, p.status])).toEqual([
      [2, 'active'],
      [1, 'retired'],
    ]);

    // Rolling back is activating the old version again.
    await fx.services.policies.activate(orgUnitId, 'margin_floor', 1, founder);
    expect((await fx.services.governor.evaluate(action)).outcome).toBe('allow');
  });

  it('refuses a policy text that does not parse with line and column, and writes nothing', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    await fx.audit.flush();
    const before = await rowCounts(fx.db.pool);
    const bad = 'policy broken\n  on pricing.set_price\n  deny when projected.marginPercent < frobnicate(1)\n  because "x"\n';
    const error = await rejection(fx.services.policies.createVersion(orgUnitId, 'broken', bad, founder));
    expect(error).toMatchObject({ code: 'POLICY_INVALID', status: 400 });
    expect(error.extras).toMatchObject({ line: 3, column: expect.any(Number), errors: [{ path: 'source', message: expect.stringContaining('line 3, column') }] });
    expect(error.message).toContain('frobnicate');
    await fx.audit.flush();
    expect(await rowCounts(fx.db.pool)).toEqual(before);
  });

  it('is founder-only, and a refusal is an audited verdict', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    for (const actor of [operator, agent]) {
      const refused = await rejection(fx.services.policies.createVersion(orgUnitId, 'margin_floor', stricterFloor, actor));
      expect(refused).toMatchObject({ code: 'GOV_DENIED', status: 403, extras: { outcome: 'deny', verdictId: expect.any(String) } });
      expect(refused.message).toContain('only a founder may do governance.policy.create');
      for (const change of ['activate', 'shadow', 'retire'] as const) {
        expect(await rejection(fx.services.policies[change](orgUnitId, 'margin_floor', 1, actor))).toMatchObject({ code: 'GOV_DENIED' });
      }
    }
    expect(await countWhere(fx.db, 'policies', orgUnitId)).toBe(builtinPolicies.length);
    expect((await fx.services.policies.get(orgUnitId, 'margin_floor', 1)).status).toBe('active');
    expect(await countWhere(fx.db, 'verdicts', orgUnitId)).toBe(8);
    await fx.audit.flush();
    expect((await auditKinds(fx.db, orgUnitId)).filter((kind) => kind === 'verdict')).toHaveLength(8);
  });

  it('refuses status changes that make no sense with 409, and a name that disagrees with the text with 400', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    expect(await rejection(fx.services.policies.activate(orgUnitId, 'margin_floor', 1, founder))).toMatchObject({
      code: 'POLICY_TRANSITION_INVALID',
      status: 409,
      extras: { from: 'active', to: 'active' },
    });
    expect(await rejection(fx.services.policies.shadow(orgUnitId, 'margin_floor', 1, founder))).toMatchObject({ code: 'POLICY_TRANSITION_INVALID' });
    await fx.services.policies.retire(orgUnitId, 'margin_floor', 1, founder);
    expect(await rejection(fx.services.policies.retire(orgUnitId, 'margin_floor', 1, founder))).toMatchObject({ code: 'POLICY_TRANSITION_INVALID' });
    expect(await rejection(fx.services.policies.activate(orgUnitId, 'margin_floor', 9, founder))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(await rejection(fx.services.policies.createVersion(orgUnitId, 'other_name', stricterFloor, founder))).toMatchObject({
      code: 'VALIDATION_FAILED',
      extras: { errors: [{ path: 'name', message: expect.stringContaining('margin_floor') }] },
    });
    // With the floor still held by its chance constraint, price changes stay checked by that one...
    expect(await fx.services.governor.evaluate(priceChange(orgUnitId))).toMatchObject({ outcome: 'allow', failClosed: false });
    // ...and with both retired and nothing in their place, they fail closed rather than go unchecked.
    await fx.services.policies.retire(orgUnitId, 'margin_floor_chance', 1, founder);
    expect(await fx.services.governor.evaluate(priceChange(orgUnitId))).toMatchObject({ outcome: 'deny', failClosed: true });
  });

  it('numbers concurrent drafts of one policy without a gap or a clash', async () => {
    const orgUnitId = await fx.newOrgUnit();
    await fx.services.policies.installBuiltins(orgUnitId);
    const drafts = await Promise.all(Array.from({ length: 5 }, () => fx.services.policies.createVersion(orgUnitId, 'margin_floor', stricterFloor, founder)));
    expect(drafts.map((d) => d.version).sort()).toEqual([2, 3, 4, 5, 6]);
  });
});
