import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { simulateDays } from '../../../engine/world/simulation.js';
import type { SimulationDto } from '../../../server/contracts/twin.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { rowCounts } from '../../support/row-counts.js';
import { seedWorldShop, storeWorldEvents, type WorldShop } from '../../support/twin-world.js';

/**
 * Calibration end to end on a real database: the world's events in, fitted model versions
 * in model_registry, the twin simulating on them, and a forecast scored once its week has
 * passed.
 */
let f: AppFixture;
let shop: WorldShop;
beforeAll(async () => {
  f = await createAppFixture();
  shop = await seedWorldShop(f.db.pool, f.orgUnitId, { seed: 'calibrate', products: 30, creators: 6, days: 35, startDate: '2026-03-02' });
}, 120_000);
afterAll(async () => {
  await f.close();
});

const registry = () =>
  f.db.pool.any(sql.type(z.object({ model: z.string(), version: z.number(), status: z.string(), training_from: z.date(), training_to: z.date(), backtest_error: z.record(z.unknown()) }))`
    SELECT model, version, status, training_from, training_to, backtest_error FROM model_registry WHERE org_unit_id = ${f.orgUnitId} ORDER BY model, version`);

describe('calibration', () => {
  it('refuses a window too short to learn from, naming the field, and writes nothing', async () => {
    const before = await rowCounts(f.db.pool);
    await expect(f.built.calibration.calibrate('tester', f.orgUnitId, { days: 10, holdoutDays: 7 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', extras: { errors: [{ path: 'days' }] } });
    await expect(f.built.calibration.calibrate('tester', f.orgUnitId, { days: 28, holdoutDays: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', extras: { errors: [{ path: 'holdoutDays' }] } });
    await expect(f.built.calibration.calibrate('tester', f.orgUnitId, { days: 20, holdoutDays: 7 })).rejects.toMatchObject({ extras: { errors: [{ path: 'days', message: expect.stringContaining('13 training days') }] } });
    await expect(f.built.calibration.calibrate('tester', 'org_nowhere', { days: 28, holdoutDays: 7 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });

  it('stores each fitted model as its active version with training window and backtest error, and the twin then runs on them', async () => {
    const run = await f.built.calibration.calibrate('tester', f.orgUnitId, { days: 28, holdoutDays: 7 });
    expect(run.models.map((m) => [m.model, m.version])).toEqual([['demand', 1], ['pricing', 1], ['creator', 1], ['fraud', 1], ['payout', 1]]);
    // The shop's last day is the world's 35th (2026-04-05): 21 training days, then 7 held out.
    expect(run).toMatchObject({ trainingFrom: '2026-03-09T00:00:00.000Z', trainingTo: '2026-03-30T00:00:00.000Z', holdoutTo: '2026-04-06T00:00:00.000Z' });
    const demand = run.models.find((m) => m.model === 'demand')!;
    expect(Math.abs(demand.backtestError.revenueError as number)).toBeLessThan(0.2);
    expect(demand.backtestError.dailyRevenueMape).toEqual(expect.any(Number));
    expect(run.models.find((m) => m.model === 'fraud')!.backtestError).toHaveProperty('labelledOrders');

    const rows = await registry();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row).toMatchObject({ version: 1, status: 'active' });
      expect(row.training_from.toISOString()).toBe(run.trainingFrom);
      expect(row.training_to.toISOString()).toBe(run.trainingTo);
    }

    const status = await f.built.calibration.status(f.orgUnitId);
    expect(status.calibrated).toBe(true);
    expect(status.models.map((m) => [m.model, m.version, m.source])).toEqual([
      ['demand', 1, 'calibrated'],
      ['creator', 1, 'calibrated'],
      ['pricing', 1, 'calibrated'],
      ['fraud', 1, 'calibrated'],
      ['payout', 1, 'calibrated'],
      ['inventory', 0, 'prior'],
    ]);

    const response = await f.built.app.inject({ method: 'POST', url: `/api/org-units/${f.orgUnitId}/simulations`, headers: bearer(f.tokens.operator), payload: { scenario: { changes: { priceChange: 10 }, duration: 7 } } });
    const simulation = response.json<SimulationDto>();
    expect(response.statusCode, response.body).toBe(201);
    expect(simulation.modelVersions).toEqual({ demand: 1, creator: 1, pricing: 1, fraud: 1, payout: 1, inventory: 0 });
    expect(simulation.calibrated).toBe(true);
    expect(simulation.notes.join(' ')).not.toContain('priors (version 0)');
    // A week's forecast on the new versions is kept, open until the week has passed.
    expect(run.prediction).toMatchObject({ windowStart: '2026-04-06T00:00:00.000Z', windowEnd: '2026-04-13T00:00:00.000Z' });
    expect(run.prediction.revenue.p5).toBeLessThanOrEqual(run.prediction.revenue.mean);
    expect(status.predictions).toMatchObject({ open: 1, resolved: 0, revenueMape: null });
  }, 60_000);

  it('scores the forecast once its week has passed, and a second calibration retires the first versions', async () => {
    const { days } = simulateDays(shop.world, { startDate: '2026-04-06', days: 7, state: shop.state });
    await storeWorldEvents(f.db.pool, f.orgUnitId, days);
    expect(await f.built.calibration.resolvePredictions(f.orgUnitId)).toBe(1);
    const status = await f.built.calibration.status(f.orgUnitId);
    expect(status.predictions).toMatchObject({ open: 0, resolved: 1 });
    expect(status.predictions.revenueMape).toBeLessThan(0.25);

    const again = await f.built.calibration.calibrate('tester', f.orgUnitId, { days: 28, holdoutDays: 7 });
    expect(again.models.every((m) => m.version === 2)).toBe(true);
    const rows = await registry();
    expect(rows.filter((r) => r.status === 'active').map((r) => r.version)).toEqual([2, 2, 2, 2, 2]);
    expect(rows.filter((r) => r.status === 'retired').map((r) => r.version)).toEqual([1, 1, 1, 1, 1]);
  }, 60_000);
});
