import { sql } from 'slonik';
import { z } from 'zod';
import { upsertOrgUnit } from '../../db/queries/org-units.js';
import { roles, type Role } from '../../engine/kernel/index.js';
import { buildApp, type BuiltApp } from '../../server/app.js';
import { loadConfig } from '../../server/config/config.js';
import { createApiToken } from '../../server/auth/token-service.js';
import { createLogger } from '../../server/logging.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/**
 * A built app (not listening) on a fresh test database with two org units, a token for
 * every role in the first, a founder token in the second, and one product and creator.
 */
export type AppFixture = {
  db: TestDatabase;
  built: BuiltApp;
  orgUnitId: string;
  otherOrgUnitId: string;
  tokens: Record<Role, string>;
  otherOrgFounderToken: string;
  productId: string;
  close(): Promise<void>;
};

export async function createAppFixture(env: NodeJS.ProcessEnv = {}): Promise<AppFixture> {
  const db = await createTestDatabase();
  const orgUnitId = 'org_alpha';
  const otherOrgUnitId = 'org_beta';
  await upsertOrgUnit(db.pool, { id: orgUnitId, name: 'Alpha' });
  await upsertOrgUnit(db.pool, { id: otherOrgUnitId, name: 'Beta' });
  const tokens = {} as Record<Role, string>;
  for (const role of roles) {
    tokens[role] = (await createApiToken(db.pool, { orgUnitId, name: `${role}-1`, role, now: Date.now() })).token;
  }
  const otherOrgFounderToken = (await createApiToken(db.pool, { orgUnitId: otherOrgUnitId, name: 'founder-b', role: 'founder', now: Date.now() })).token;
  const productId = await db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO products (org_unit_id, sku, name, category, price_minor, unit_cost_minor, stock)
    VALUES (${orgUnitId}, 'LAMP-1', 'Arc Lamp', 'home', 4999, 2100, 40) RETURNING id`);
  await db.pool.query(sql.unsafe`
    INSERT INTO creators (org_unit_id, handle, display_name, audience, conversion_bps, commission_bps)
    VALUES (${orgUnitId}, 'lena.live', 'Lena Live', 120000, 180, 1200)`);
  // One model worker per app: test files run two at a time on two cores.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', BOS_TWIN_THREADS: '1', ...env });
  const built = await buildApp({ config, database: db, logger: createLogger(config), readiness: { state: 'serving' } });
  await built.app.ready();
  for (const org of [orgUnitId, otherOrgUnitId]) await built.governance.policies.installBuiltins(org);
  await built.workflows.install([orgUnitId, otherOrgUnitId]);
  for (const module of built.workflowModules) await module.prepare?.(db.pool);
  return {
    db,
    built,
    orgUnitId,
    otherOrgUnitId,
    tokens,
    otherOrgFounderToken,
    productId,
    async close() {
      await built.app.close();
      await db.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
