import { sql } from 'slonik';
import { z } from 'zod';
import { generateCatalog } from '../../engine/world/index.js';
import { buildApp, type BuiltApp } from '../../server/app.js';
import { createApiToken } from '../../server/auth/token-service.js';
import { seedOrgUnit } from '../../server/cli/commands/seed.js';
import { loadConfig } from '../../server/config/config.js';
import { createLogger } from '../../server/logging.js';
import { createWorld, createWorldRunner } from '../../server/world/index.js';
import { inProcessShop } from '../../server/world/live-world.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';

/**
 * lsn_main as the server runs it: seeded, built-in policies and workflows installed, every
 * workflow at A2 and the workflow runtime started. `runDays` drives the simulated shop through
 * the server's own ingestion and waits until the runs it started have settled.
 */
export type SimulatedShop = {
  readonly db: TestDatabase;
  readonly built: BuiltApp;
  readonly orgUnitId: string;
  readonly tokens: { founder: string; viewer: string };
  runDays(days: number): Promise<{ orders: number; runs: number }>;
  close(): Promise<void>;
};

const orgUnitId = 'lsn_main';

export async function startSimulatedShop(catalog: { products: number; creators: number }): Promise<SimulatedShop> {
  const db = await createTestDatabase();
  const shop = { seed: 1, ...catalog };
  await seedOrgUnit(db.pool, { orgUnitId, name: 'Live Shopping Network', ...shop }, { now: Date.now(), progress: () => undefined });
  const token = async (role: 'founder' | 'viewer') => (await createApiToken(db.pool, { orgUnitId, name: `bench-${role}`, role, now: Date.now() })).token;
  const tokens = { founder: await token('founder'), viewer: await token('viewer') };
  const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000000' });
  const built = await buildApp({ config, database: db, logger: createLogger(config), readiness: { state: 'serving' } });
  await built.app.ready();
  await built.governance.policies.installBuiltins(orgUnitId);
  await built.workflows.install([orgUnitId]);
  for (const workflow of await built.workflows.list(orgUnitId)) {
    const response = await built.app.inject({
      method: 'POST',
      url: `/api/workflows/${workflow.id}/autonomy`,
      headers: { authorization: `Bearer ${tokens.founder}` },
      payload: { autonomyLevel: 'a2_supervised' },
    });
    if (response.statusCode !== 200) throw new Error(`autonomy of ${workflow.id}: ${response.statusCode} ${response.body}`);
  }
  await built.runtime.start();

  const world = createWorld({ seed: 'bench', catalog: generateCatalog(shop) });
  const runner = createWorldRunner({
    world,
    ...(await inProcessShop({ pool: db.pool, ingestion: built.ingestion, orgUnitId, world, payoutEveryDays: 7 })),
    startDate: '2026-10-01',
    msPerDay: 0,
  });

  async function runsInFlight(): Promise<number> {
    return db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM workflow_runs WHERE org_unit_id = ${orgUnitId} AND status IN ('pending', 'running')`);
  }

  return {
    db,
    built,
    orgUnitId,
    tokens,
    async runDays(days) {
      const reports = await runner.runDays(days);
      while ((await runsInFlight()) > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      const runs = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM workflow_runs WHERE org_unit_id = ${orgUnitId}`);
      return { orders: reports.reduce((sum, day) => sum + day.summary.orders, 0), runs };
    },
    async close() {
      await built.runtime.stop();
      await built.app.close();
      await db.close();
    },
  };
}
