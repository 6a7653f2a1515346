import pino from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { createLedgerService, type LedgerService } from '../../../server/ledger/ledger-service.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

export const startMs = Date.parse('2026-11-01T12:00:00Z');
export const org = 'ledger_test';

export type LedgerFixture = Readonly<{
  db: TestDatabase;
  ledger: LedgerService;
  clock: ReturnType<typeof manualClock>;
  /** Warnings the service logged (a transient retry, such as after a deadlock, is one). */
  warnings: string[];
  close(): Promise<void>;
}>;

export async function createLedgerFixture(options: { poolSize?: number } = {}): Promise<LedgerFixture> {
  const db = await createTestDatabase(options);
  await db.pool.connect((c) => upsertOrgUnit(c, { id: org, name: 'Ledger test' }));
  const clock = manualClock(startMs);
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const ledger = createLedgerService({ pool: db.pool, clock, logger });
  return { db, ledger, clock, warnings, close: () => db.close() };
}

/** A product and an order to dispute (fixtures write their rows directly). */
export async function createOrder(db: TestDatabase, externalId: string, totalMinor: number, orgUnitId: string = org): Promise<string> {
  return db.pool.connect(async (c) => {
    const productId = await c.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO products (org_unit_id, sku, name, category, price_minor, unit_cost_minor)
      VALUES (${orgUnitId}, ${`sku-${externalId}`}, 'Thing', 'misc', ${totalMinor}, 1) RETURNING id`);
    return c.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO orders (org_unit_id, external_id, product_id, quantity, currency, unit_price_minor, total_minor, placed_at)
      VALUES (${orgUnitId}, ${externalId}, ${productId}, 1, 'USD', ${totalMinor}, ${totalMinor}, now()) RETURNING id`);
  });
}

export const pay = (key: string, from: string, to: string, amountMinor: number, currency = 'USD') => ({
  orgUnitId: org,
  transferKey: key,
  legs: [
    { account: to, currency, amountMinor },
    { account: from, currency, amountMinor: -amountMinor },
  ],
});
