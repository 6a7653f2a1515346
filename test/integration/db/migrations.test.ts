import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { DatabaseError, translateDatabaseError } from '../../../db/errors.js';
import { shippedMigrations } from '../../../db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

async function rejection(run: () => Promise<unknown>): Promise<DatabaseError> {
  try {
    await run();
  } catch (error) {
    const translated = translateDatabaseError(error);
    if (translated instanceof DatabaseError) return translated;
    throw error;
  }
  throw new Error('expected the database to reject the statement');
}

/** Columns, constraints, indexes and triggers of the test schema, in a server-neutral form. */
async function describeSchema(): Promise<string> {
  const columns = await db.pool.anyFirst(sql.type(z.object({ line: z.string() }))`
    SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
      FROM information_schema.columns WHERE table_schema = current_schema()
     ORDER BY table_name, column_name`);
  const constraints = await db.pool.anyFirst(sql.type(z.object({ line: z.string() }))`
    SELECT rel.relname || ' ' || con.contype::text || ' ' || pg_get_constraintdef(con.oid) AS line
      FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
     WHERE rel.relnamespace = current_schema()::regnamespace
       -- PostgreSQL 18 also lists NOT NULL as constraints; nullability is compared with the columns
       AND con.contype <> 'n'
     ORDER BY 1`);
  const indexes = await db.pool.anyFirst(sql.type(z.object({ line: z.string() }))`
    SELECT tablename || ' ' || indexname || ' ' || regexp_replace(indexdef, ' ON [a-z0-9_]+\\.', ' ON ') AS line
      FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1`);
  const triggers = await db.pool.anyFirst(sql.type(z.object({ line: z.string() }))`
    SELECT event_object_table || ' ' || trigger_name || ' ' || action_timing || ' ' || event_manipulation AS line
      FROM information_schema.triggers WHERE trigger_schema = current_schema() ORDER BY 1`);
  return [...columns, '', ...constraints, '', ...indexes, '', ...triggers].join('\n') + '\n';
}

async function seedOrgAndAccounts(): Promise<{ cash: string; payable: string }> {
  await db.pool.query(sql.unsafe`INSERT INTO org_units (id, name) VALUES ('org_test', 'Test') ON CONFLICT DO NOTHING`);
  const id = sql.type(z.object({ id: z.string() }));
  const cash = await db.pool.oneFirst(id`
    INSERT INTO ledger_accounts (org_unit_id, path, currency, kind) VALUES ('org_test', 'platform:cash', 'USD', 'asset')
    ON CONFLICT (org_unit_id, path, currency) DO UPDATE SET kind = excluded.kind RETURNING id`);
  const payable = await db.pool.oneFirst(id`
    INSERT INTO ledger_accounts (org_unit_id, path, currency, kind) VALUES ('org_test', 'creator:1:payable', 'USD', 'liability')
    ON CONFLICT (org_unit_id, path, currency) DO UPDATE SET kind = excluded.kind RETURNING id`);
  return { cash, payable };
}

async function insertTransfer(key: string, legs: readonly [string, number][]): Promise<string> {
  return db.pool.transaction(async (tx) => {
    const transferId = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO ledger_transfers (org_unit_id, transfer_key) VALUES ('org_test', ${key}) RETURNING id`);
    for (const [account, amount] of legs) {
      await tx.query(sql.unsafe`
        INSERT INTO ledger_entries (org_unit_id, transfer_id, account_id, currency, amount_minor)
        VALUES ('org_test', ${transferId}, ${account}, 'USD', ${amount})`);
    }
    return transferId;
  });
}

describe('migrations', () => {
  it('apply every shipped migration', async () => {
    const applied = await db.pool.anyFirst(sql.type(z.object({ name: z.string() }))`SELECT name FROM schema_migrations ORDER BY run_on, id`);
    expect(applied).toEqual(shippedMigrations());
  });

  it('create every table of the design', async () => {
    const tables = await db.pool.anyFirst(sql.type(z.object({ table_name: z.string() }))`
      SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
    const required = [
      'org_units', 'agents', 'goals', 'plans', 'tasks', 'actions', 'events', 'outcomes', 'state_snapshots',
      'policies', 'approvals', 'incidents', 'audit_log', 'audit_checkpoints',
      'ledger_accounts', 'ledger_transfers', 'ledger_entries', 'reconciliations', 'disputes',
      'experiments', 'bandit_arms', 'bandit_rewards', 'model_registry',
      'workflows', 'workflow_runs', 'run_journal', 'workflow_timers',
      'simulations', 'simulation_runs', 'decisions',
      'products', 'creators', 'streams', 'orders', 'refunds', 'payouts', 'inventory_movements',
    ];
    expect(tables).toEqual(expect.arrayContaining(required));
  });

  it('produce the same schema on PGlite and PostgreSQL (one snapshot serves both)', async () => {
    await expect(await describeSchema()).toMatchFileSnapshot('./__snapshots__/schema.txt');
  });
});

describe('database-enforced rules', () => {
  it('accept a balanced transfer', async () => {
    const { cash, payable } = await seedOrgAndAccounts();
    await insertTransfer('balanced-1', [[cash, 1500], [payable, -1500]]);
    const total = await db.pool.oneFirst(sql.type(z.object({ total: z.string() }))`
      SELECT coalesce(sum(amount_minor), 0)::text AS total FROM ledger_entries`);
    expect(total).toBe('0');
    // Written one entry per statement, so each statement flagged it; the commit check cleared the flags.
    const flags = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ledger_balance_checks`);
    expect(flags).toBe(0);
  });

  it('reject an unbalanced transfer at commit and keep nothing of it', async () => {
    const { cash, payable } = await seedOrgAndAccounts();
    const error = await rejection(() => insertTransfer('unbalanced-1', [[cash, 1500], [payable, -1400]]));
    expect(error.code).toBe('DB_LEDGER_UNBALANCED');
    expect(error.message).toMatch(/does not balance: USD entries sum to 100/);
    const kept = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM ledger_transfers WHERE transfer_key = 'unbalanced-1'`);
    expect(kept).toBe(0);
  });

  it('reject UPDATE and DELETE on ledger entries', async () => {
    const { cash, payable } = await seedOrgAndAccounts();
    await insertTransfer('append-only-1', [[cash, 700], [payable, -700]]);
    const update = await rejection(() => db.pool.query(sql.unsafe`UPDATE ledger_entries SET amount_minor = 1`));
    expect(update.code).toBe('DB_APPEND_ONLY');
    const remove = await rejection(() => db.pool.query(sql.unsafe`DELETE FROM ledger_entries`));
    expect(remove.code).toBe('DB_APPEND_ONLY');
    const truncate = await rejection(() => db.pool.query(sql.unsafe`TRUNCATE ledger_entries CASCADE`));
    expect(truncate.code).toBe('DB_APPEND_ONLY');
  });

  it('reject UPDATE and DELETE on the audit log', async () => {
    await seedOrgAndAccounts();
    const zero = '0'.repeat(64);
    await db.pool.query(sql.unsafe`
      INSERT INTO audit_log (org_unit_id, seq, kind, actor, entry, prev_hash, hash)
      VALUES ('org_test', 1, 'test', 'tester', '{}', ${zero}, ${'a'.repeat(64)})`);
    const update = await rejection(() => db.pool.query(sql.unsafe`UPDATE audit_log SET actor = 'mallory'`));
    expect(update.code).toBe('DB_APPEND_ONLY');
    const remove = await rejection(() => db.pool.query(sql.unsafe`DELETE FROM audit_log`));
    expect(remove.code).toBe('DB_APPEND_ONLY');
    const count = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM audit_log`);
    expect(count).toBe(1);
  });

  it('keep idempotency keys unique per org unit', async () => {
    await seedOrgAndAccounts();
    const insert = () =>
      db.pool.query(sql.unsafe`
        INSERT INTO events (org_unit_id, type, idempotency_key, payload, occurred_at)
        VALUES ('org_test', 'order.placed', 'evt-1', '{}', now())`);
    await insert();
    const duplicate = await rejection(insert);
    expect(duplicate.code).toBe('DB_UNIQUE_VIOLATION');
    expect(duplicate.details.constraint).toBe('events_org_unit_id_idempotency_key_key');
  });

  it('store money only as whole minor units', async () => {
    await seedOrgAndAccounts();
    const error = await rejection(() =>
      db.pool.query(sql.unsafe`
        INSERT INTO products (org_unit_id, sku, name, category, price_minor, unit_cost_minor)
        VALUES ('org_test', 'SKU-1', 'Lamp', 'home', '19.99', 500)`),
    );
    expect(error.code).toBe('DB_INVALID_INPUT');
  });
});
