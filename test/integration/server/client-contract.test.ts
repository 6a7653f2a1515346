import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitalTwin, initializeBusinessOS, type AppRouter, type BusinessOS } from '../../../index.js';
import { createApiToken } from '../../../server/auth/token-service.js';

/**
 * The calls in CLIENT-CONTRACT.md, run as written against Business OS brought up in process
 * by initializeBusinessOS() on a fresh embedded database, serving over HTTP.
 */
let system: BusinessOS;
let dataDir: string;
let url: string;
const tokens: Record<'founder' | 'operator', string> = { founder: '', operator: '' };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'bos-contract-'));
  const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', BOS_DATA_DIR: dataDir, BOS_TWIN_THREADS: '1' };
  system = await initializeBusinessOS({ env });
  // Called again, it answers the system already running.
  expect(await initializeBusinessOS({ env })).toBe(system);
  url = await system.built.app.listen({ host: '127.0.0.1', port: 0 });
  for (const role of ['founder', 'operator'] as const) {
    tokens[role] = (await createApiToken(system.database.pool, { orgUnitId: 'lsn_main', name: `contract-${role}`, role, now: Date.now() })).token;
  }
}, 240_000);
afterAll(async () => {
  await system?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const client = (token: string) =>
  createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } })] });

describe('the client contract', () => {
  it('runs the in-process twin call as written', async () => {
    const orgUnitId = 'lsn_main';
    // Simulate 15% price increase
    const prediction = await digitalTwin.simulate(orgUnitId, {
      changes: { priceChange: 15 },
      duration: 7,
      description: 'Test 15% price increase',
    });
    expect(prediction.metrics.revenue.mean).toBeGreaterThan(0);
    expect(prediction.metrics.orders.p5).toBeLessThanOrEqual(prediction.metrics.orders.p95);
    expect(prediction.risks).toBeDefined();
    expect(Array.isArray(prediction.opportunities)).toBe(true);
  }, 120_000);

  it('runs the tRPC calls as written, for a founder', async () => {
    const trpc = client(tokens.founder);
    const goal = await trpc.businessOS.createGoal.mutate({
      orgUnitId: 'lsn_main',
      title: 'Reach $100K monthly revenue',
      type: 'okr',
      targetValue: '100000',
      deadline: new Date('2025-12-31'),
    });
    expect(goal).toMatchObject({ title: 'Reach $100K monthly revenue', type: 'okr', targetValue: '100000', deadline: '2025-12-31T00:00:00.000Z' });

    const prediction = await trpc.businessOS.runSimulation.mutate({
      orgUnitId: 'lsn_main',
      scenario: {
        changes: { adSpendChange: 20 },
        duration: 7,
        description: 'Test 20% ad spend increase',
      },
    });
    expect(prediction.metrics.revenue).toMatchObject({ mean: expect.any(Number), p5: expect.any(Number), p50: expect.any(Number), p95: expect.any(Number) });
    expect(prediction.risks).toBeDefined();

    const decision = await trpc.businessOS.makeDecision.mutate({
      orgUnitId: 'lsn_main',
      decisionType: 'pricing',
      context: {
        revenue: 50000,
        orders: 1000,
        marginPercent: 0.25,
      },
    });
    expect(['hold', 'down_10', 'down_5', 'up_5', 'up_10']).toContain(decision.selectedOption);
    expect(decision.predictedImpact).toMatchObject({ revenue: { mean: expect.any(Number) } });
    expect(decision).toMatchObject({ id: expect.any(String), propensity: expect.any(Number), status: expect.any(String) });

    // Upgrade workflow to full autonomous
    const raised = await trpc.businessOS.updateWorkflowAutonomy.mutate({
      workflowId: 'wf_pricing_optimization',
      autonomyLevel: 'a3_autonomous',
    });
    expect(raised).toMatchObject({ workflowId: 'wf_pricing_optimization', orgUnitId: 'lsn_main', autonomyLevel: 'a3_autonomous' });
  }, 120_000);

  it('refuses raising a workflow to A3 for anyone but a founder, saying why', async () => {
    const refused = await client(tokens.operator)
      .businessOS.updateWorkflowAutonomy.mutate({ workflowId: 'wf_fraud_detection', autonomyLevel: 'a3_autonomous' })
      .then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<AppRouter>).data).toMatchObject({ httpStatus: 403 });
    expect((refused as Error).message).toMatch(/founder/i);
  });
});
