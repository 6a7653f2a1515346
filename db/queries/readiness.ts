import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { migrationsTable } from '../migrate.js';

/** Names of the applied migrations; empty before the first migration created the table. */
export async function appliedMigrations(db: CommonQueryMethods): Promise<readonly string[]> {
  const exists = await db.oneFirst(sql.type(z.object({ exists: z.boolean() }))`
    SELECT to_regclass(${migrationsTable}) IS NOT NULL AS exists`);
  if (!exists) return [];
  return db.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT name FROM ${sql.identifier([migrationsTable])} ORDER BY name`);
}

export async function ping(db: CommonQueryMethods): Promise<void> {
  await db.oneFirst(sql.type(z.object({ ok: z.number() }))`SELECT 1 AS ok`);
}
