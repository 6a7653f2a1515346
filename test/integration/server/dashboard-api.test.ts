import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const org = () => `/api/org-units/${f.orgUnitId}`;
const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n)).toISOString();

async function reportDay(n: number, revenueMinor: number) {
  const response = await f.built.app.inject({
    method: 'POST',
    url: '/api/events',
    headers: bearer(f.tokens.agent),
    payload: {
      type: 'metrics.snapshot',
      idempotencyKey: `snapshot-${n}`,
      occurredAt: day(n),
      payload: { revenueMinor, orders: 10 + n, marginPercent: 0.3, cashMinor: 5_000_000, runwayDays: 40 - n },
    },
  });
  expect(response.statusCode).toBeLessThan(300);
}

describe('getDashboard and getStateHistory', () => {
  it('shows no figures before the first snapshot, and says nothing waits', async () => {
    const response = await f.built.app.inject({ method: 'GET', url: `${org()}/dashboard`, headers: bearer(f.tokens.viewer) });
    expect(response.statusCode).toBe(200);
    const dashboard = response.json();
    expect(dashboard).toMatchObject({ orgUnitId: f.orgUnitId, latest: null, pendingApprovals: 0, openIncidents: 0, killSwitch: { engagedScopes: [] } });
    expect(dashboard.health.database).toBe('ok');
  });

  it('reports the newest snapshot, the history oldest first, and governance events to mark on it', async () => {
    for (const n of [0, 1, 2, 3]) await reportDay(n, 100_000 + n * 1_000);
    const engaged = await f.built.app.inject({
      method: 'POST',
      url: `${org()}/kill-switch`,
      headers: bearer(f.tokens.operator),
      payload: { action: 'engage', scope: 'ads', reason: 'ads overspending' },
    });
    expect(engaged.statusCode).toBe(200);

    const dashboard = (await f.built.app.inject({ method: 'GET', url: `${org()}/dashboard`, headers: bearer(f.tokens.viewer) })).json();
    expect(dashboard.latest).toEqual({ at: day(3), revenueMinor: 103_000, orders: 13, marginPercent: 0.3, cashMinor: 5_000_000, runwayDays: 37 });
    expect(dashboard.killSwitch.engagedScopes).toEqual(['ads']);
    expect(dashboard.health.pausedWorkflows).toBeGreaterThanOrEqual(0);
    expect(dashboard.health.streamSeq).toBeGreaterThan(0);

    const history = (await f.built.app.inject({ method: 'GET', url: `${org()}/state-history?limit=3`, headers: bearer(f.tokens.viewer) })).json<{
      points: { revenueMinor: number }[];
      annotations: unknown[];
    }>();
    expect(history.points.map((point) => point.revenueMinor)).toEqual([101_000, 102_000, 103_000]);
    expect(history.annotations).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'kill_switch', label: 'Kill switch engaged (ads): ads overspending' })]));
  });

  it('is served over tRPC under businessOS too', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { orgUnitId: f.orgUnitId } }));
    const response = await f.built.app.inject({ method: 'GET', url: `/trpc/businessOS.getDashboard?input=${input}`, headers: bearer(f.tokens.viewer) });
    expect(response.statusCode).toBe(200);
    expect(response.json().result.data.json.orgUnitId).toBe(f.orgUnitId);
  });

  it('names a bad history limit', async () => {
    const response = await f.built.app.inject({ method: 'GET', url: `${org()}/state-history?limit=5000`, headers: bearer(f.tokens.viewer) });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: 'query.limit', message: 'must be at most 1000' }]);
  });
});
