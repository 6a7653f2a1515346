import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { warmTwin } from '../../../server/twin/warm-twin.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { seedWorldShop } from '../../support/twin-world.js';

/** Warming the twin at start: the model workers run the shop's kernel once, and nothing is stored. */
let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
  await seedWorldShop(f.db.pool, f.orgUnitId, { seed: 'warm', products: 8, creators: 2, days: 3, startDate: '2026-05-04' });
}, 120_000);
afterAll(async () => {
  await f.close();
});

describe('warming the twin', () => {
  it("starts the model workers on the org unit's own shop without storing a simulation", async () => {
    expect(f.built.models.started()).toBe(false);
    await warmTwin(f.built.twin, f.built.models, f.orgUnitId);
    expect(f.built.models.started()).toBe(true);
    expect((await f.built.models.probe()).backend).toMatch(/wasm|cpu|tensorflow/);
    const stored = await f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM simulations`);
    expect(stored).toBe(0);
  });

  it('names an org unit it cannot read', async () => {
    await expect(warmTwin(f.built.twin, f.built.models, 'org_missing')).rejects.toThrow(/org_missing/);
  });
});
