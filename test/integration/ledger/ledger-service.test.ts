import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors/catalog.js';
import { rowCounts } from '../../support/row-counts.js';
import { createLedgerFixture, createOrder, org, pay, startMs, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
});
afterAll(async () => {
  await fx.close();
});

const code = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};

describe('transfers', () => {
  it('posts a balanced transfer and answers the same key with the first result', async () => {
    const first = await fx.ledger.transfer({ ...pay('t-1', 'platform:cash', 'processor:clearing', 500), description: 'sale' });
    const again = await fx.ledger.transfer({ ...pay('t-1', 'platform:cash', 'processor:clearing', 500), description: 'sale' });
    expect(again.id).toBe(first.id);
    expect(first.status).toBe('posted');
    expect((await fx.ledger.balance(org, 'processor:clearing')).postedMinor).toBe(500);
  });

  it('refuses a different payload under a used key with 409', async () => {
    expect(await code(fx.ledger.transfer(pay('t-1', 'platform:cash', 'processor:clearing', 501)))).toBe('TRANSFER_KEY_CONFLICT');
  });

  it('refuses unbalanced, zero and fractional legs before writing', async () => {
    const before = await fx.db.pool.connect(rowCounts);
    const unbalanced = { orgUnitId: org, transferKey: 'bad-1', legs: [{ account: 'platform:cash', currency: 'USD', amountMinor: 5 }, { account: 'platform:fees', currency: 'USD', amountMinor: -4 }] };
    expect(await code(fx.ledger.transfer(unbalanced))).toBe('LEDGER_UNBALANCED');
    const fractional = { ...unbalanced, legs: [{ account: 'platform:cash', currency: 'USD', amountMinor: 0.5 }, { account: 'platform:fees', currency: 'USD', amountMinor: -0.5 }] };
    expect(await code(fx.ledger.transfer(fractional))).toBe('VALIDATION_FAILED');
    const mixed = { ...unbalanced, legs: [{ account: 'platform:cash', currency: 'USD', amountMinor: 5 }, { account: 'platform:cash', currency: 'EUR', amountMinor: -5 }] };
    expect(await code(fx.ledger.transfer(mixed))).toBe('LEDGER_UNBALANCED');
    expect(await fx.db.pool.connect(rowCounts)).toEqual(before);
  });

  it('keeps a payable from going negative and refuses only the overdraft in a batch', async () => {
    // A payable is credited when earned (negative) and debited when paid out.
    const outcomes = await fx.ledger.transferMany([
      pay('earn-1', 'creator:42:payable', 'platform:cash', 1000),
      pay('payout-1', 'platform:cash', 'creator:42:payable', 600),
      pay('payout-2', 'platform:cash', 'creator:42:payable', 600),
      pay('payout-3', 'platform:cash', 'creator:42:payable', 400),
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'ok', 'LEDGER_INSUFFICIENT_FUNDS', 'ok']);
    expect((await fx.ledger.balance(org, 'creator:42:payable')).postedMinor).toBe(0);
    expect(await code(fx.ledger.getTransfer(org, 'payout-2'))).toBe('NOT_FOUND');
  });

  it('reverses a transfer once, as a new linked transfer', async () => {
    const original = await fx.ledger.transfer(pay('sale-9', 'revenue:sales', 'platform:cash', 900));
    const reversal = await fx.ledger.reverse(org, 'sale-9', 'sale-9:rev');
    expect(reversal.reversesId).toBe(original.id);
    expect(reversal.kind).toBe('reversal');
    expect((await fx.ledger.reverse(org, 'sale-9', 'sale-9:rev')).id).toBe(reversal.id);
    expect(await code(fx.ledger.reverse(org, 'sale-9', 'sale-9:rev2'))).toBe('LEDGER_NOT_REVERSIBLE');
    expect(await code(fx.ledger.reverse(org, 'sale-9:rev', 'x'))).toBe('LEDGER_NOT_REVERSIBLE');
    expect((await fx.ledger.balance(org, 'revenue:sales')).postedMinor).toBe(0);
  });

  it('answers balances as of a time', async () => {
    fx.clock.set(startMs + 3_600_000);
    await fx.ledger.transfer(pay('later-1', 'equity:owner', 'bank:main', 7000));
    fx.clock.set(startMs + 7_200_000);
    await fx.ledger.transfer(pay('later-2', 'equity:owner', 'bank:main', 3000));
    expect((await fx.ledger.balance(org, 'bank:main', { asOf: new Date(startMs + 3_600_000) })).postedMinor).toBe(7000);
    expect((await fx.ledger.balance(org, 'bank:main', { asOf: new Date(startMs + 3_599_999) })).postedMinor).toBe(0);
    expect((await fx.ledger.balance(org, 'bank:main')).postedMinor).toBe(10000);
  });
});

describe('holds', () => {
  it('reserves funds while pending, then posts once', async () => {
    await fx.ledger.transfer(pay('fund-7', 'creator:7:payable', 'platform:cash', 1000));
    const expiresAt = new Date(fx.clock.now() + 60_000);
    const hold = await fx.ledger.transfer({ ...pay('hold-7', 'platform:cash', 'creator:7:payable', 800), hold: { expiresAt } });
    expect(hold.status).toBe('pending');
    expect(await code(fx.ledger.transfer(pay('spend-7', 'platform:cash', 'creator:7:payable', 300)))).toBe('LEDGER_INSUFFICIENT_FUNDS');
    const posted = await fx.ledger.post(org, 'hold-7');
    expect(posted.status).toBe('posted');
    expect((await fx.ledger.post(org, 'hold-7')).status).toBe('posted');
    expect(await code(fx.ledger.void(org, 'hold-7'))).toBe('LEDGER_HOLD_NOT_PENDING');
    expect((await fx.ledger.balance(org, 'creator:7:payable')).postedMinor).toBe(-200);
  });

  it('voids and expires holds, releasing the funds', async () => {
    const expiresAt = new Date(fx.clock.now() + 60_000);
    await fx.ledger.transfer({ ...pay('hold-8a', 'platform:cash', 'creator:7:payable', 200), hold: { expiresAt } });
    expect((await fx.ledger.void(org, 'hold-8a')).status).toBe('voided');
    await fx.ledger.transfer({ ...pay('hold-8b', 'platform:cash', 'creator:7:payable', 200), hold: { expiresAt } });
    fx.clock.advance(60_000);
    expect(await code(fx.ledger.post(org, 'hold-8b'))).toBe('LEDGER_HOLD_EXPIRED');
    expect((await fx.ledger.getTransfer(org, 'hold-8b')).status).toBe('expired');
    await fx.ledger.transfer({ ...pay('hold-8c', 'platform:cash', 'creator:7:payable', 200), hold: { expiresAt: new Date(fx.clock.now() + 1000) } });
    expect(await fx.ledger.expireDue(new Date(fx.clock.now() + 1000))).toBe(1);
    const payable = await fx.ledger.balance(org, 'creator:7:payable');
    expect(payable).toMatchObject({ postedMinor: -200, pendingDebitsMinor: 0 });
  });
});

describe('disputes', () => {
  it('reserves by hold, releases on a win and books the loss on a loss', async () => {
    await fx.ledger.transfer(pay('cash-in', 'equity:owner', 'platform:cash', 100_000));
    const won = await fx.ledger.openDispute(org, { orderId: await createOrder(fx.db, 'o-won', 2500), amountMinor: 2500, currency: 'USD', reason: 'fraud' });
    const lost = await fx.ledger.openDispute(org, { orderId: await createOrder(fx.db, 'o-lost', 1500), amountMinor: 1500, currency: 'USD' });
    expect(await fx.ledger.balance(org, 'reserve:disputes')).toMatchObject({ postedMinor: 0, pendingDebitsMinor: 4000 });
    expect((await fx.ledger.resolveDispute(org, won.id, 'won')).status).toBe('won');
    expect((await fx.ledger.resolveDispute(org, lost.id, 'lost')).status).toBe('lost');
    expect(await code(fx.ledger.resolveDispute(org, lost.id, 'won'))).toBe('DISPUTE_ALREADY_RESOLVED');
    expect(await fx.ledger.balance(org, 'reserve:disputes')).toMatchObject({ postedMinor: 0, pendingDebitsMinor: 0 });
    expect((await fx.ledger.balance(org, 'expense:chargebacks')).postedMinor).toBe(1500);
  });

  it('answers 404 for an unknown order and writes nothing', async () => {
    const before = await fx.db.pool.connect(rowCounts);
    expect(await code(fx.ledger.openDispute(org, { orderId: '00000000-0000-4000-8000-000000000000', amountMinor: 5, currency: 'USD' }))).toBe('NOT_FOUND');
    expect(await fx.db.pool.connect(rowCounts)).toEqual(before);
  });

  it('keeps the trial balance at zero', async () => {
    for (const row of await fx.ledger.trialBalance(org)) expect(row.netMinor).toBe(0);
  });
});
