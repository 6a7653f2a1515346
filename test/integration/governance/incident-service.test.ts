import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../server/governance/governance-deps.js';
import { agent, auditKinds, createGovernanceFixture, founder, operator, rejection, viewer, type GovernanceFixture } from './governance-fixture.js';

let fx: GovernanceFixture;
beforeAll(async () => {
  fx = await createGovernanceFixture();
});
afterAll(async () => {
  await fx.close();
});

describe('incidents', () => {
  it('go open → acknowledged → resolved, audited and streamed at each step', async () => {
    const orgUnitId = await fx.newOrgUnit();
    const opened = await fx.services.incidents.open(
      {
        orgUnitId,
        severity: 'high',
        source: 'workflow',
        title: 'Payout run failed after 5 retries',
        description: 'processor timeout',
        links: [{ kind: 'workflow_run', id: 'run-1' }, { kind: 'audit', seq: 3 }],
      },
      systemActor,
    );
    expect(opened).toMatchObject({ status: 'open', severity: 'high', source: 'workflow', links: [{ kind: 'workflow_run', id: 'run-1' }, { kind: 'audit', seq: 3 }] });
    const acknowledged = await fx.services.incidents.acknowledge(orgUnitId, opened.id, operator);
    expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedBy: operator.id, acknowledgedAt: expect.any(String) });
    const resolved = await fx.services.incidents.update(orgUnitId, opened.id, { status: 'resolved', resolution: 'processor back; run replayed' }, founder);
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'processor back; run replayed', resolvedBy: founder.id, acknowledgedBy: operator.id });
    expect(await fx.services.incidents.get(orgUnitId, opened.id)).toEqual(resolved);
    await fx.audit.flush();
    expect(await auditKinds(fx.db, orgUnitId)).toEqual(['incident.opened', 'incident.updated', 'incident.updated']);
    expect(fx.published.filter((p) => p.orgUnitId === orgUnitId).map((p) => [p.type, p.payload.status])).toEqual([
      ['incident.opened', 'open'],
      ['incident.updated', 'acknowledged'],
      ['incident.updated', 'resolved'],
    ]);
  });

  it('may be resolved straight from open', async () => {
    const orgUnitId = await fx.newOrgUnit();
    const opened = await fx.services.incidents.open({ orgUnitId, severity: 'low', source: 'evaluator', title: 'Quality dipped' }, agent);
    expect(await fx.services.incidents.resolve(orgUnitId, opened.id, operator, 'false alarm')).toMatchObject({ status: 'resolved', acknowledgedAt: null });
  });

  it('refuse transitions that are not allowed with 409, naming both ends', async () => {
    const orgUnitId = await fx.newOrgUnit();
    const opened = await fx.services.incidents.open({ orgUnitId, severity: 'medium', source: 'decision', title: 'Regret spike' }, systemActor);
    await fx.services.incidents.acknowledge(orgUnitId, opened.id, operator);
    expect(await rejection(fx.services.incidents.acknowledge(orgUnitId, opened.id, operator))).toMatchObject({
      code: 'INCIDENT_TRANSITION_INVALID',
      status: 409,
      extras: { from: 'acknowledged', to: 'acknowledged' },
    });
    await fx.services.incidents.resolve(orgUnitId, opened.id, operator, 'done');
    expect(await rejection(fx.services.incidents.resolve(orgUnitId, opened.id, operator, 'again'))).toMatchObject({
      code: 'INCIDENT_TRANSITION_INVALID',
      extras: { from: 'resolved', to: 'resolved' },
    });
    expect(await rejection(fx.services.incidents.acknowledge(orgUnitId, opened.id, founder))).toMatchObject({ extras: { from: 'resolved', to: 'acknowledged' } });
    expect(await rejection(fx.services.incidents.acknowledge(orgUnitId, '00000000-0000-4000-8000-000000000000', operator))).toMatchObject({
      code: 'NOT_FOUND',
    });
    // Of concurrent resolutions exactly one lands.
    const other = await fx.services.incidents.open({ orgUnitId, severity: 'low', source: 'system', title: 'Disk 80%' }, systemActor);
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => fx.services.incidents.resolve(orgUnitId, other.id, operator, `fix ${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('check roles and input', async () => {
    const orgUnitId = await fx.newOrgUnit();
    expect(await rejection(fx.services.incidents.open({ orgUnitId, severity: 'low', source: 'system', title: 'x' }, viewer))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await rejection(fx.services.incidents.open({ orgUnitId, severity: 'low', source: 'system', title: '  ' }, operator))).toMatchObject({
      code: 'VALIDATION_FAILED',
      extras: { errors: [{ path: 'title', message: 'must be 1 to 500 characters' }] },
    });
    const opened = await fx.services.incidents.open({ orgUnitId, severity: 'low', source: 'system', title: 'x' }, agent);
    for (const actor of [viewer, agent]) {
      expect(await rejection(fx.services.incidents.acknowledge(orgUnitId, opened.id, actor))).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await rejection(fx.services.incidents.resolve(orgUnitId, opened.id, operator, ''))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('list newest first, filtered by status, severity and source, within the org unit', async () => {
    const orgUnitId = await fx.newOrgUnit();
    const otherOrg = await fx.newOrgUnit();
    const a = await fx.services.incidents.open({ orgUnitId, severity: 'critical', source: 'kill_switch', title: 'a' }, systemActor);
    const b = await fx.services.incidents.open({ orgUnitId, severity: 'low', source: 'policy', title: 'b' }, systemActor);
    const c = await fx.services.incidents.open({ orgUnitId, severity: 'low', source: 'system', title: 'c' }, systemActor);
    await fx.services.incidents.open({ orgUnitId: otherOrg, severity: 'low', source: 'system', title: 'elsewhere' }, systemActor);
    await fx.services.incidents.resolve(orgUnitId, c.id, operator, 'ok');
    const ids = async (filters: Parameters<typeof fx.services.incidents.list>[1]) => (await fx.services.incidents.list(orgUnitId, filters)).map((i) => i.title);
    expect((await ids({})).sort()).toEqual(['a', 'b', 'c']);
    expect(await ids({ status: 'open' })).toEqual(expect.arrayContaining([a.title, b.title]));
    expect(await ids({ status: 'resolved' })).toEqual(['c']);
    expect((await ids({ severity: 'low' })).sort()).toEqual(['b', 'c']);
    expect(await ids({ source: 'kill_switch' })).toEqual(['a']);
    expect(await ids({ severity: 'low', status: 'open' })).toEqual(['b']);
    expect(await rejection(fx.services.incidents.get(otherOrg, a.id))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
