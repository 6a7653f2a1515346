import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GoalDto } from '../../../server/contracts/goals.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const createGoal = (payload: object, token = f.tokens.founder) =>
  f.built.app.inject({ method: 'POST', url: `/api/org-units/${f.orgUnitId}/goals`, headers: bearer(token), payload });
const goalCount = () => f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM goals WHERE org_unit_id = ${f.orgUnitId}`);
const post = (type: string, key: string, payload: object, occurredAt = new Date().toISOString()) =>
  f.built.app.inject({ method: 'POST', url: '/api/events', headers: bearer(f.tokens.agent), payload: { type, idempotencyKey: key, occurredAt, payload } });

describe('goals', () => {
  it('sets a revenue goal with a decimal target and tracks it against the trailing 30 days of sales', async () => {
    const created = await createGoal({ title: 'Reach $100K monthly revenue', type: 'okr', targetValue: '100000', deadline: '2027-12-31T00:00:00Z' });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json<GoalDto>()).toMatchObject({ metric: 'revenue', targetValue: '100000', status: 'active', deadline: '2027-12-31T00:00:00.000Z', progress: { currentValue: '0', fraction: 0 } });

    const order = { sku: 'LAMP-1', quantity: 3, unitPriceMinor: 4999, currency: 'USD', customerRef: 'c-1' };
    expect((await post('order.placed', 'g-1', { ...order, orderId: 'g-ord-1' })).statusCode).toBe(201);
    expect((await post('order.placed', 'g-2', { ...order, orderId: 'g-ord-2', quantity: 1 })).statusCode).toBe(201);
    expect((await post('order.refunded', 'g-3', { orderId: 'g-ord-2', amountMinor: 4999, currency: 'USD' })).statusCode).toBe(201);
    // Older than the window: it does not count.
    expect((await post('order.placed', 'g-4', { ...order, orderId: 'g-ord-4' }, new Date(Date.now() - 40 * 86_400_000).toISOString())).statusCode).toBe(201);

    const listed = (await f.built.app.inject({ url: `/api/org-units/${f.orgUnitId}/goals`, headers: bearer(f.tokens.viewer) })).json<{ items: GoalDto[] }>();
    const goal = listed.items.find((item) => item.id === created.json<GoalDto>().id);
    expect(goal?.progress.currentValue).toBe('149.97');
    expect(goal?.progress.fraction).toBeCloseTo(149.97 / 100_000, 12);

    const orders = (await createGoal({ title: 'Two orders a month', type: 'kpi', metric: 'orders', targetValue: '2' })).json<GoalDto>();
    expect(orders).toMatchObject({ status: 'achieved', progress: { currentValue: '2', fraction: 1 } });
  });

  it('accepts a deadline already past, as a goal missed', async () => {
    const goal = (await createGoal({ title: 'Last year', type: 'okr', targetValue: '100000', deadline: '2025-12-31T00:00:00Z' })).json<GoalDto>();
    expect(goal.status).toBe('missed');
  });

  it('refuses bad goals naming the field, writes nothing, and lets only founders and operators set goals', async () => {
    const before = await goalCount();
    const cases: [object, string][] = [
      [{ title: 'x', type: 'okr', targetValue: 100000 }, 'targetValue'],
      [{ title: 'x', type: 'okr', targetValue: '-5' }, 'targetValue'],
      [{ title: 'x', type: 'okr', targetValue: '0' }, 'targetValue'],
      [{ title: '', type: 'okr', targetValue: '10' }, 'title'],
      [{ title: 'x', type: 'wish', targetValue: '10' }, 'type'],
      [{ title: 'x', type: 'okr', targetValue: '10', metric: 'happiness' }, 'metric'],
      [{ title: 'x', type: 'okr', targetValue: '10', deadline: 'soon' }, 'deadline'],
    ];
    for (const [payload, field] of cases) {
      const response = await createGoal(payload);
      expect(response.statusCode, field).toBe(400);
      expect(response.json<{ errors: { path: string }[] }>().errors.map((error) => error.path)).toContain(`body.${field}`);
    }
    expect((await createGoal({ title: 'x', type: 'okr', targetValue: '10' }, f.tokens.viewer)).statusCode).toBe(403);
    expect(await goalCount()).toBe(before);
  });
});
