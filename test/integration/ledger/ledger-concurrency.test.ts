import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLedgerFixture, org, pay, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  // 16 connections on PostgreSQL, so the transfers really race (PGlite has one).
  fx = await createLedgerFixture({ poolSize: 16 });
  await fx.ledger.transfer(pay('seed', 'creator:1:payable', 'platform:cash', 32 * 100));
});
afterAll(async () => {
  await fx.close();
});

it('32 concurrent transfers over the same hot accounts lose nothing and never deadlock', async () => {
  // Crossing directions over two constrained payables plus the shared cash account: the
  // order accounts are named in differs between transfers, the lock order must not.
  const results = await Promise.allSettled(
    Array.from({ length: 32 }, (_, i) =>
      fx.ledger.transfer({
        orgUnitId: org,
        transferKey: `hot-${i}`,
        legs:
          i % 2 === 0
            ? [
                { account: 'creator:1:payable', currency: 'USD', amountMinor: 100 },
                { account: 'creator:2:payable', currency: 'USD', amountMinor: -60 },
                { account: 'platform:cash', currency: 'USD', amountMinor: -40 },
              ]
            : [
                { account: 'platform:cash', currency: 'USD', amountMinor: 40 },
                { account: 'creator:2:payable', currency: 'USD', amountMinor: 60 },
                { account: 'creator:1:payable', currency: 'USD', amountMinor: -100 },
              ],
      }),
    ),
  );
  const failures = results.filter((r) => r.status === 'rejected');
  // Every odd transfer debits creator:2:payable, which only even transfers credit, so some may
  // be refused for funds, never for a deadlock or a lost update.
  for (const failure of failures) expect(String(failure.reason)).toMatch(/balance rule/);
  const accepted = results.filter((r) => r.status === 'fulfilled').length;
  const one = await fx.ledger.balance(org, 'creator:1:payable');
  const two = await fx.ledger.balance(org, 'creator:2:payable');
  const evens = results.filter((r, i) => r.status === 'fulfilled' && i % 2 === 0).length;
  const odds = accepted - evens;
  expect(one.postedMinor).toBe(-3200 + 100 * evens - 100 * odds);
  expect(two.postedMinor).toBe(-60 * evens + 60 * odds);
  expect(one.postedMinor).toBeLessThanOrEqual(0);
  expect(two.postedMinor).toBeLessThanOrEqual(0);
  expect(evens).toBe(16);
  for (const row of await fx.ledger.trialBalance(org)) expect(row.netMinor).toBe(0);
  // No transaction was retried: nothing deadlocked or failed to serialize on the way.
  expect(fx.warnings).toEqual([]);
});

it('the same key sent 16 times at once posts once', async () => {
  const results = await Promise.all(Array.from({ length: 16 }, () => fx.ledger.transfer(pay('same-key', 'equity:owner', 'platform:cash', 123))));
  expect(new Set(results.map((r) => r.id)).size).toBe(1);
  const rows = await fx.ledger.balance(org, 'equity:owner');
  expect(rows.postedMinor).toBe(-123);
});
