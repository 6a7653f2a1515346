import fc from 'fast-check';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordScoredOrder } from '../../../db/queries/fraud.js';
import { findRun } from '../../../db/queries/workflow-runs.js';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { outputOf } from '../../support/workflows/business-runs.js';
import { bookRefund, bookSale, holdOtherPayout, importStatement, recordCashSnapshot, utcDay } from '../../support/workflows/payout-books.js';

/**
 * The payout invariant over random histories (DESIGN §3): no payout is ever posted for an
 * unreconciled period or above collected net minus reserves and open disputes. Each history
 * is booked through the real ledger in an org unit of its own (sales collected, refunds,
 * disputes left open, won or lost, other payouts held, a statement that matches, does not,
 * or is missing), then wf_creator_payout runs through the durable runtime. The expected
 * funds are worked out here from the history alone, not from the code under test.
 */

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
  await f.built.runtime.start();
});
afterAll(async () => {
  await f.close();
});

const history = fc.record({
  sales: fc.array(fc.integer({ min: 1_000, max: 50_000 }), { minLength: 1, maxLength: 4 }),
  refunds: fc.array(fc.integer({ min: 1, max: 20_000 }), { maxLength: 2 }),
  disputes: fc.array(fc.record({ amountMinor: fc.integer({ min: 1, max: 30_000 }), outcome: fc.constantFrom('open', 'won', 'lost') }), { maxLength: 3 }),
  otherHolds: fc.array(fc.integer({ min: 1, max: 30_000 }), { maxLength: 2 }),
  statement: fc.constantFrom('matching', 'mismatched', 'missing'),
  amountMinor: fc.integer({ min: 1, max: 120_000 }),
});
type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

function expectedAvailable(h: History): number {
  const collected = sum(h.sales) - sum(h.refunds) - sum(h.disputes.filter((d) => d.outcome === 'lost').map((d) => d.amountMinor));
  const reserves = sum(h.otherHolds);
  const openDisputes = sum(h.disputes.filter((d) => d.outcome === 'open').map((d) => d.amountMinor));
  return collected - reserves - openDisputes;
}

let shops = 0;

async function shopWith(h: History): Promise<string> {
  shops += 1;
  const orgUnitId = `payout_prop_${shops}`;
  const { ledger } = f.built;
  await upsertOrgUnit(f.db.pool, { id: orgUnitId, name: `Payout property ${shops}` });
  await f.db.pool.query(sql.unsafe`
    INSERT INTO products (org_unit_id, sku, name, category, price_minor, unit_cost_minor, stock) VALUES (${orgUnitId}, 'LAMP-1', 'Arc Lamp', 'home', 4999, 2100, 40)`);
  await f.db.pool.query(sql.unsafe`
    INSERT INTO creators (org_unit_id, handle, display_name, audience, conversion_bps, commission_bps) VALUES (${orgUnitId}, 'lena.live', 'Lena', 1000, 100, 1200)`);
  await f.built.governance.policies.installBuiltins(orgUnitId);
  await f.built.workflows.install([orgUnitId]);
  const order = (externalId: string, amountMinor: number, creatorHandle: string | null) =>
    recordScoredOrder(f.db.pool, { orgUnitId, externalId, sku: 'LAMP-1', creatorHandle, customerRef: 'c', quantity: 1, currency: 'USD', unitPriceMinor: amountMinor, features: {}, score: 0.01, modelVersion: 1, placedAt: new Date() });
  // The creator's sales back the claim (12% of ten times it), so only the books can stop the payout.
  await order('lena-sales', h.amountMinor * 10, 'lena.live');
  const sales = h.sales.map((amountMinor, index) => ({ key: `sale-${index}`, amountMinor }));
  for (const sale of sales) await bookSale(ledger, orgUnitId, sale.key, sale.amountMinor);
  for (const [index, amount] of h.refunds.entries()) await bookRefund(ledger, orgUnitId, `r${index}`, amount);
  for (const [index, dispute] of h.disputes.entries()) {
    const disputed = await order(`disputed-${index}`, dispute.amountMinor, null);
    const opened = await ledger.openDispute(orgUnitId, { orderId: disputed!.id, amountMinor: dispute.amountMinor, currency: 'USD' });
    if (dispute.outcome !== 'open') await ledger.resolveDispute(orgUnitId, opened.id, dispute.outcome);
  }
  for (const [index, amount] of h.otherHolds.entries()) await holdOtherPayout(ledger, orgUnitId, `h${index}`, amount);
  if (h.statement !== 'missing') await importStatement(ledger, orgUnitId, { start: utcDay(-6), end: utcDay(0) }, sales, h.statement === 'matching');
  await recordCashSnapshot(f.db, orgUnitId, 10_000_000_000, 365);
  return orgUnitId;
}

async function runPayout(orgUnitId: string, amountMinor: number) {
  const payload = { creatorHandle: 'lena.live', periodStart: utcDay(-6), periodEnd: utcDay(0), amountMinor, currency: 'USD' };
  const run = await f.built.workflows.startRun(orgUnitId, 'wf_creator_payout', `payout-${orgUnitId}`, payload);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = await findRun(f.db.pool, orgUnitId, run.id);
    if (row && (row.status === 'completed' || row.status === 'failed')) return outputOf(row);
    if (Date.now() > deadline) throw new Error(`payout run ${run.id} did not end: ${row?.status} ${row?.waiting_for ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const postedPayouts = (orgUnitId: string) =>
  f.db.pool.anyFirst(sql.type(z.object({ transfer_key: z.string() }))`
    SELECT t.transfer_key FROM ledger_transfers t
     WHERE t.org_unit_id = ${orgUnitId} AND t.status = 'posted'
       AND EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
                    WHERE e.transfer_id = t.id AND a.path LIKE 'creator:%:payable' AND e.amount_minor > 0)`);

describe('the payout invariant over random histories', () => {
  it('posts a payout only for a reconciled period within collected net minus reserves and open disputes, and always then', async () => {
    const outcomes: string[] = [];
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const orgUnitId = await shopWith(h);
        const output = await runPayout(orgUnitId, h.amountMinor);
        const posted = await postedPayouts(orgUnitId);
        const allowed = h.statement === 'matching' && h.amountMinor <= expectedAvailable(h);
        expect(posted.length, JSON.stringify({ output, available: expectedAvailable(h) })).toBe(allowed ? 1 : 0);
        expect(output.outcome).toBe(allowed ? 'paid' : 'blocked');
        outcomes.push(String(output.outcome));
        if (!allowed) expect((output.reasons as string[]).length).toBeGreaterThan(0);
      }),
      { numRuns: 15, seed: 6006, endOnFailure: true },
    );
    // The histories reached both sides of the rule, so neither "always pay" nor "never pay" would pass.
    expect(new Set(outcomes)).toEqual(new Set(['paid', 'blocked']));
  }, 240_000);
});
