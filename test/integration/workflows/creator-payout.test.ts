import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { approve, ended, incidentTitles, outputOf, runOf, setAutonomy, waitForRun } from '../../support/workflows/business-runs.js';
import { bookSale, importStatement, payoutTransfers, recordCashSnapshot, utcDay } from '../../support/workflows/payout-books.js';

let f: AppFixture;
const week = { start: utcDay(-6), end: utcDay(0) };
const sales = [
  { key: 's1', amountMinor: 60_000 },
  { key: 's2', amountMinor: 40_000 },
];

beforeAll(async () => {
  f = await createAppFixture();
  await f.built.runtime.start();
  // The week's sales, collected and reconciled against the processor's statement.
  for (const sale of sales) await bookSale(f.built.ledger, f.orgUnitId, sale.key, sale.amountMinor);
  expect((await importStatement(f.built.ledger, f.orgUnitId, week, sales, true)).status).toBe('reconciled');
  // Lena's orders this week, recorded (and scored) by the fraud workflow as they were placed: 49,990 in sales at 12%.
  for (let n = 1; n <= 5; n += 1) {
    const features = { accountAgeDays: 500, customerOrders24h: 1, countryMismatch: false, hourOfDay: 20, previousOrders: 4, paymentMethod: 'card' };
    const runId = await runOf(f, 'order.placed', { orderId: `lena-${n}`, sku: 'LAMP-1', quantity: 2, unitPriceMinor: 4999, currency: 'USD', customerRef: `c${n}`, creatorHandle: 'lena.live', features }, 'wf_fraud_detection');
    expect(outputOf(await waitForRun(f, runId, ended))).toMatchObject({ outcome: 'allowed' });
  }
});
afterAll(async () => {
  await f.close();
});

const due = (periodStart: string, periodEnd: string, amountMinor: number) => ({ creatorHandle: 'lena.live', periodStart, periodEnd, amountMinor, currency: 'USD' });

async function payout(periodStart: string, periodEnd: string, amountMinor: number) {
  const runId = await runOf(f, 'payout.due', due(periodStart, periodEnd, amountMinor), 'wf_creator_payout');
  return runId;
}

const payable = async () => {
  const creatorId = await f.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM creators WHERE org_unit_id = ${f.orgUnitId} AND handle = 'lena.live'`);
  const balances = await f.built.ledger.balances(f.orgUnitId);
  return balances.find((b) => b.account === `creator:${creatorId}:payable` && b.currency === 'USD')?.postedMinor ?? 0;
};
const expectReplaysClean = async (runId: string) => expect((await f.built.workflows.replay(f.orgUnitId, runId)).divergence).toBeNull();

describe('wf_creator_payout through the durable runtime', () => {
  it('releases the hold and opens an incident when posting is refused (no runway forecast: the runway policy fails closed)', async () => {
    const runId = await payout(utcDay(-2), utcDay(0), 1_000);
    const run = await waitForRun(f, runId, ended);
    const output = outputOf(run);
    expect(output).toMatchObject({ outcome: 'blocked' });
    expect(String((output.reasons as string[])[0])).toMatch(/^posting the payout was refused \(GOV_DENIED: .*cash_runway v1 failed closed .*missing field projected\.cashRunwayDays\)$/);
    const transfers = await payoutTransfers(f.db, f.orgUnitId, String(output.payoutId));
    // The commission is owed, the earmark was freed, and no money went to the creator.
    expect(transfers).toEqual([
      { transfer_key: `payout:${String(output.payoutId)}:accrual`, status: 'posted' },
      { transfer_key: `payout:${String(output.payoutId)}:hold`, status: 'voided' },
    ]);
    const incident = (await incidentTitles(f)).find((i) => i.title.startsWith('Payout of 10.00 USD to lena.live'));
    expect(incident?.description).toContain('posting the payout was refused');
    await expectReplaysClean(runId);
  });

  it('pays a reconciled, risk-checked payout within the funds: hold, post, release', async () => {
    await recordCashSnapshot(f.db, f.orgUnitId, 100_000, 120);
    const before = await payable();
    const runId = await payout(week.start, week.end, 5_000);
    const run = await waitForRun(f, runId, ended);
    expect(outputOf(run)).toMatchObject({ outcome: 'paid', amountMinor: 5_000 });
    const payoutId = String(outputOf(run).payoutId);
    expect(await payoutTransfers(f.db, f.orgUnitId, payoutId)).toEqual([
      { transfer_key: `payout:${payoutId}`, status: 'posted' },
      { transfer_key: `payout:${payoutId}:accrual`, status: 'posted' },
      { transfer_key: `payout:${payoutId}:hold`, status: 'voided' },
    ]);
    // Booked as owed, then paid: the creator's payable is back where it was.
    expect(await payable()).toBe(before);
    const row = await f.db.pool.one(sql.type(z.object({ status: z.string(), risk_score: z.number(), transfer_id: z.string().nullable() }))`
      SELECT status, risk_score, transfer_id FROM payouts WHERE id = ${payoutId}`);
    expect(row).toMatchObject({ status: 'posted', risk_score: 0 });
    expect(row.transfer_id).not.toBeNull();
    await expectReplaysClean(runId);
  });

  it('blocks a payout for an unreconciled period with an incident that says so, moving no money', async () => {
    const runId = await payout(utcDay(-20), utcDay(-14), 2_000);
    const output = outputOf(await waitForRun(f, runId, ended));
    // Lena sold nothing then, so nothing backs the claim either: both reasons are named.
    expect(output).toMatchObject({ outcome: 'blocked', reasons: ['no processor statement has been reconciled for the payout period', 'the risk score 1.00 is above the limit 0.50'] });
    expect(await payoutTransfers(f.db, f.orgUnitId, String(output.payoutId))).toEqual([]);
    const incident = (await incidentTitles(f)).find((i) => i.title.includes(`for ${utcDay(-20)} to ${utcDay(-14)} blocked`));
    expect(incident?.description).toBe('The payout was not posted because no processor statement has been reconciled for the payout period; and the risk score 1.00 is above the limit 0.50.');
    await expectReplaysClean(runId);
  });

  it('blocks a payout above collected net minus reserves and open disputes', async () => {
    const runId = await payout(utcDay(-6), utcDay(-1), 150_000);
    const output = outputOf(await waitForRun(f, runId, ended));
    expect(output).toMatchObject({ outcome: 'blocked' });
    expect(output.reasons).toContain('the payout of 1500.00 USD exceeds collected net minus reserves and open disputes (950.00 USD)');
    expect(await payoutTransfers(f.db, f.orgUnitId, String(output.payoutId))).toEqual([]);
  });

  it('at A1 waits for a person to approve the hold and the payout; at A0 the assessment is a draft and nothing is written', async () => {
    await setAutonomy(f, 'wf_creator_payout', 'a1_assisted');
    try {
      const runId = await payout(utcDay(-5), utcDay(0), 1_000);
      for (const tool of ['creator_payouts.hold', 'payouts.post_creator_payout']) {
        const waiting = await waitForRun(f, runId, (run) => (run.waiting_for ?? '').startsWith('approval:') && JSON.stringify(run.snapshot).includes(`"waiting":{"on":"approval"`) && (run.snapshot as { pending: { tool: string }[] }).pending[0]?.tool === tool);
        await approve(f, (waiting.waiting_for ?? '').slice('approval:'.length));
      }
      expect(outputOf(await waitForRun(f, runId, ended))).toMatchObject({ outcome: 'paid' });
      await expectReplaysClean(runId);
    } finally {
      await setAutonomy(f, 'wf_creator_payout', 'a2_supervised');
    }
    await setAutonomy(f, 'wf_creator_payout', 'a0_manual');
    try {
      const runId = await payout(utcDay(-4), utcDay(0), 1_000);
      await waitForRun(f, runId, (run) => (run.waiting_for ?? '').startsWith('draft:'));
      const rows = await f.db.pool.exists(sql.unsafe`SELECT 1 FROM payouts WHERE org_unit_id = ${f.orgUnitId} AND period_start = ${utcDay(-4)}::date`);
      expect(rows).toBe(false);
    } finally {
      await setAutonomy(f, 'wf_creator_payout', 'a2_supervised');
    }
  });

  it('fails a payout for a creator the shop does not know, naming them', async () => {
    const runId = await runOf(f, 'payout.due', { ...due(week.start, week.end, 100), creatorHandle: 'nobody.here' }, 'wf_creator_payout');
    const output = outputOf(await waitForRun(f, runId, ended));
    expect(output).toMatchObject({ outcome: 'failed' });
    expect(String(output.failure)).toContain('creator nobody.here does not exist in this org unit');
  });
});
