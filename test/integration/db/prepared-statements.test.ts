import { randomBytes } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const answer = z.object({ n: z.number().int() });
const statementText = z.object({ statement: z.string() });

describe('hot statements marked /* prepared */', () => {
  it('are planned once per connection and run by name; unmarked statements stay unnamed', async () => {
    // A token of this test's own, so statements of other files sharing the embedded session do not count.
    const token = `t${randomBytes(6).toString('hex')}`;
    const marked = (n: number) => sql.type(answer)`/* prepared */ SELECT ${n}::int + 1 AS n, ${sql.literalValue(token)} AS token`;
    const plain = (n: number) => sql.type(answer)`SELECT ${n}::int + 2 AS n, ${sql.literalValue(token)} AS token`;

    const prepared = await db.pool.connect(async (connection) => {
      const results = [];
      for (const n of [1, 2, 3]) results.push(await connection.one(marked(n)), await connection.one(plain(n)));
      expect(results.map((row) => row.n)).toEqual([2, 3, 3, 4, 4, 5]);
      return connection.anyFirst(sql.type(statementText)`SELECT statement FROM pg_prepared_statements WHERE statement LIKE ${`%${token}%`}`);
    });

    expect(prepared).toHaveLength(1);
    expect(prepared[0]).toMatch(/^\/\* prepared \*\/ SELECT/);
  });

  it('report a failure like any statement, and run again afterwards', async () => {
    const failing = sql.type(answer)`/* prepared */ SELECT 1 / ${0}::int AS n`;
    await expect(db.pool.one(failing)).rejects.toThrow(/division by zero/);
    await expect(db.pool.one(sql.type(answer)`/* prepared */ SELECT 10 / ${5}::int AS n`)).resolves.toEqual({ n: 2 });
  });
});
