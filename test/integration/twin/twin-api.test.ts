import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'slonik';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { latestStreamSeq } from '../../../db/queries/stream-events.js';
import { backendNames } from '../../../models/index.js';
import type { AppRouter } from '../../../server/api/trpc-router.js';
import type { StreamEnvelope } from '../../../server/contracts/stream-events.js';
import type { SimulationDto, SweepDto } from '../../../server/contracts/twin.js';
import { createStreamSubscriber } from '../../../server/live/stream-subscriber.js';
import { bindDigitalTwin, createDigitalTwin, digitalTwin } from '../../../server/twin/digital-twin.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { rowCounts } from '../../support/row-counts.js';
import { seedWorldShop, type WorldShop } from '../../support/twin-world.js';

let f: AppFixture;
let url: string;
let shop: WorldShop;
beforeAll(async () => {
  f = await createAppFixture();
  shop = await seedWorldShop(f.db.pool, f.orgUnitId, { seed: 'api', products: 30, creators: 6, days: 14, startDate: '2026-03-02' });
  url = await f.built.app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(async () => {
  bindDigitalTwin(undefined);
  await f.close();
});

const simulations = () => `/api/org-units/${f.orgUnitId}/simulations`;
async function post<T>(path: string, body: unknown, token = f.tokens.founder): Promise<{ status: number; body: T }> {
  const response = await f.built.app.inject({ method: 'POST', url: path, headers: bearer(token), payload: body as object });
  return { status: response.statusCode, body: response.json<T>() };
}
async function get<T>(path: string): Promise<T> {
  const response = await f.built.app.inject({ url: path, headers: bearer(f.tokens.viewer) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}
const numbers = (s: SimulationDto) => ({ metrics: s.metrics, impact: s.impact, risks: s.risks, opportunities: s.opportunities, sampling: s.sampling });
const simulationCount = () => f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM simulations`);

describe('runSimulation', () => {
  it('simulates from the shop its events describe, stores the run with what re-runs it, and streams simulation.completed', async () => {
    const received: StreamEnvelope[] = [];
    const subscriber = createStreamSubscriber({ url, token: f.tokens.viewer, orgUnitId: f.orgUnitId, onEvent: (e) => received.push(e) });
    try {
      await subscriber.subscribed();
      const { status, body } = await post<SimulationDto>(simulations(), { scenario: { changes: { priceChange: 15 }, duration: 7, description: 'Test 15% price increase' } });
      expect(status, JSON.stringify(body)).toBe(201);
      const { metrics, risks } = body;
      for (const money of [metrics.revenue, metrics.grossProfit, metrics.fraudLoss]) for (const value of Object.values(money)) expect(Number.isInteger(value)).toBe(true);
      expect(metrics.revenue.p5).toBeLessThanOrEqual(metrics.revenue.p50);
      expect(metrics.revenue.p50).toBeLessThanOrEqual(metrics.revenue.p95);
      expect(metrics.revenue.mean).toBeGreaterThan(0);
      expect(metrics.margin.mean).toBeGreaterThan(0);
      expect(metrics.margin.mean).toBeLessThan(1);
      expect(metrics.cashRunwayDays).not.toBeNull();
      expect(risks.thresholds.marginFloor).toEqual({ value: 0.15, source: 'policy margin_floor v1' });
      expect(body.impact.revenue.mean).toBeLessThan(0); // dearer, with elasticity −1.5: less revenue than no change
      expect(body.modelVersions).toEqual({ demand: 0, creator: 0, pricing: 0, fraud: 0, payout: 0, inventory: 0 });
      expect(body.calibrated).toBe(false);
      expect(body.notes.join(' ')).toContain('priors (version 0)');
      expect(backendNames).toContain(body.backend);
      expect(body.governance.risk).toHaveProperty('pMarginBelowFloor', risks.pMarginBelowFloor);

      const row = await f.db.pool.one(sql.type(z.object({ input_sha256: z.string(), seed: z.number(), inputs: z.record(z.unknown()), status: z.string() }))`
        SELECT input_sha256, seed, inputs, status FROM simulations WHERE id = ${body.id}`);
      expect(row).toMatchObject({ input_sha256: body.inputSha256, seed: 1, status: 'completed' });
      expect(row.inputs).toHaveProperty('state');
      expect(await get<SimulationDto>(`${simulations()}/${body.id}`)).toEqual(body);

      await subscriber.waitForSeq((await latestStreamSeq(f.db.pool, f.orgUnitId)) ?? 0);
      expect(received.find((e) => e.type === 'simulation.completed')?.payload).toMatchObject({ simulationId: body.id, kind: 'single', status: 'completed' });
    } finally {
      subscriber.close();
    }
  });

  it('answers the client contract over tRPC', async () => {
    const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: bearer(f.tokens.operator) })] });
    const prediction = await trpc.businessOS.runSimulation.mutate({
      orgUnitId: f.orgUnitId,
      scenario: { changes: { adSpendChange: 20 }, duration: 7, description: 'Test 20% ad spend increase' },
    });
    expect(prediction.metrics.revenue).toEqual(expect.objectContaining({ mean: expect.any(Number), p5: expect.any(Number), p50: expect.any(Number), p95: expect.any(Number), cvar5: expect.any(Number) }));
    expect(prediction.metrics.orders.mean).toBeGreaterThan(0);
    expect(prediction.risks).toHaveProperty('pStockout');
    expect(Array.isArray(prediction.opportunities)).toBe(true);
  });

  it('gives the same numbers for the same seed, identical results for two runs with no change, and re-runs a stored one exactly', async () => {
    const scenario = { changes: {}, duration: 7 };
    const first = (await post<SimulationDto>(simulations(), { scenario })).body;
    const second = (await post<SimulationDto>(simulations(), { scenario })).body;
    expect(second.id).not.toBe(first.id);
    expect(second.inputSha256).toBe(first.inputSha256);
    expect(numbers(second)).toEqual(numbers(first));
    expect(first.impact.revenue).toEqual({ mean: 0, p5: 0, p50: 0, p95: 0, cvar5: 0 });
    const reseeded = (await post<SimulationDto>(simulations(), { scenario, seed: 2 })).body;
    expect(reseeded.inputSha256).not.toBe(first.inputSha256);
    expect(reseeded.metrics.revenue).not.toEqual(first.metrics.revenue);

    const rerun = await post<{ originalId: string; identical: boolean; simulation: SimulationDto }>(`${simulations()}/${first.id}/rerun`, {}, f.tokens.agent);
    expect(rerun.status).toBe(201);
    expect(rerun.body).toMatchObject({ originalId: first.id, identical: true });
    expect(numbers(rerun.body.simulation)).toEqual(numbers(first));
  });

  it('stops early once mean revenue is known to the tolerance, and says so; a fixed sample count does not', async () => {
    const early = (await post<SimulationDto>(simulations(), { scenario: { changes: { priceChange: -5 }, duration: 7 }, tolerance: 0.02 })).body;
    expect(early.sampling).toMatchObject({ metric: 'revenue', tolerance: 0.02, stoppedEarly: true });
    expect(early.sampling.relativeHalfWidth).toBeLessThanOrEqual(0.02);
    expect(early.sampling.samples).toBeLessThan(early.sampling.maxSamples);
    const fixed = (await post<SimulationDto>(simulations(), { scenario: { changes: { priceChange: -5 }, duration: 7 }, samples: 48 })).body;
    expect(fixed.sampling).toMatchObject({ samples: 48, maxSamples: 48, stoppedEarly: false });
    expect(fixed.samples).toBe(48);
  });

  it('lists simulations newest first with their headline, a page at a time', async () => {
    const page = await get<{ items: { id: string; kind: string; headline: Record<string, unknown> | null; createdAt: string }[]; nextCursor: string | null }>(`${simulations()}?limit=2&kind=single`);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]!.createdAt >= page.items[1]!.createdAt).toBe(true);
    expect(page.items[0]!.headline).toHaveProperty('revenueMean');
    const next = await get<{ items: { id: string }[] }>(`${simulations()}?limit=2&kind=single&before=${encodeURIComponent(page.nextCursor!)}`);
    expect(next.items.map((i) => i.id)).not.toContain(page.items[1]!.id);
  });
});

describe('runSweep', () => {
  it('runs a grid on the same random numbers, ranks it by contribution and stores every scenario', async () => {
    const { status, body } = await post<SweepDto>(`${simulations()}/sweeps`, { description: 'price × ads', duration: 7, grid: { priceChange: [-10, 0, 10], adSpendChange: [0, 20] }, samples: 16 });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ kind: 'sweep', scenarioCount: 6, samples: 16, status: 'completed' });
    const means = body.best.map((b) => b.metrics.contribution.mean);
    expect(means).toEqual([...means].sort((a, b) => b - a));
    const first = await get<{ items: { index: number; changes: Record<string, unknown> }[]; nextCursor: string | null }>(`${simulations()}/${body.id}/runs?limit=4`);
    const rest = await get<{ items: { index: number }[]; nextCursor: string | null }>(`${simulations()}/${body.id}/runs?limit=4&after=${first.nextCursor}`);
    expect([...first.items, ...rest.items].map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(first.items[1]!.changes).toEqual({ priceChange: -10, adSpendChange: 20 });
    expect(rest.nextCursor).toBeNull();
  });
});

describe('the in-process digitalTwin', () => {
  it('refuses before the system is initialised, then runs the client contract’s call', async () => {
    await expect(digitalTwin.simulate(f.orgUnitId, { changes: { priceChange: 15 }, duration: 7 })).rejects.toMatchObject({ code: 'NOT_READY' });
    bindDigitalTwin(createDigitalTwin(f.built.twin));
    const prediction = await digitalTwin.simulate(f.orgUnitId, { changes: { priceChange: 15 }, duration: 7, description: 'Test 15% price increase' });
    expect(prediction.metrics.revenue.mean).toBeGreaterThan(0);
    expect(prediction.scenario).toEqual({ changes: { priceChange: 15 }, duration: 7, description: 'Test 15% price increase' });
  });

  it('names the bad field of a bad scenario and writes nothing', async () => {
    bindDigitalTwin(createDigitalTwin(f.built.twin));
    const before = await rowCounts(f.db.pool);
    const failure = async (scenario: unknown) => {
      try {
        await digitalTwin.simulate(f.orgUnitId, scenario as never);
      } catch (error) {
        return (error as { code: string; extras: { errors: { path: string }[] } }).extras.errors.map((e) => e.path);
      }
      throw new Error('expected a refusal');
    };
    expect(await failure({ changes: { priceChange: Number.NaN }, duration: 7 })).toEqual(['scenario.changes.priceChange']);
    expect(await failure({ changes: {}, duration: 0 })).toEqual(['scenario.duration']);
    expect(await failure({ changes: { priceChange: -100 }, duration: 7 })).toEqual(['scenario.changes.priceChange']);
    expect(await failure({ changes: { products: [{ sku: 'NOPE-1', priceChange: 5 }] }, duration: 7 })).toEqual(['scenario.changes.products[0].sku']);
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });
});

describe('getCalibrationStatus', () => {
  it('says every model runs on its prior before calibration', async () => {
    const status = await get<{ calibrated: boolean; models: { model: string; version: number; source: string }[] }>(`/api/org-units/${f.orgUnitId}/twin/calibration`);
    expect(status.calibrated).toBe(false);
    expect(status.models.map((m) => [m.model, m.version, m.source])).toEqual(
      ['demand', 'creator', 'pricing', 'fraud', 'payout', 'inventory'].map((model) => [model, 0, 'prior']),
    );
    expect(await simulationCount()).toBeGreaterThan(0);
    expect(shop.days).toHaveLength(14);
  });
});
