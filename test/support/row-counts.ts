import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Row count of every table in the current schema: "nothing written" is this staying equal. */
export async function rowCounts(db: CommonQueryMethods): Promise<Record<string, number>> {
  const tables = await db.anyFirst(sql.type(z.object({ table_name: z.string() }))`
    SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`);
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = await db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ${sql.identifier([table])}`);
  }
  return counts;
}
