import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors/catalog.js';
import { rowCounts } from '../../support/row-counts.js';
import { createLedgerFixture, org, pay, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
  // Charges the processor collected for us (start of the fixture clock is 2026-11-01).
  await fx.ledger.transferMany([
    pay('ch_1', 'revenue:sales', 'processor:clearing', 1999),
    pay('ch_2', 'revenue:sales', 'processor:clearing', 500),
    pay('ch_3', 'revenue:sales', 'processor:clearing', 700),
  ]);
});
afterAll(async () => {
  await fx.close();
});

const period = { periodStart: '2026-11-01', periodEnd: '2026-11-30' } as const;

describe('statement import', () => {
  it('reports matched, missing, mismatched and unexpected lines from CSV', async () => {
    const text = 'reference,amount,currency,date\nch_1,19.99,USD,2026-11-01\nch_2,5.01,USD,2026-11-01\n"ch_9",1.00,USD,2026-11-02\n';
    const result = await fx.ledger.importStatement(org, { ...period, format: 'csv', text });
    expect(result).toMatchObject({ status: 'mismatched', statementLines: 3, matched: 1, missing: 1, mismatched: 1 });
    expect(result.report).toMatchObject({
      missing: [{ line: 4, reference: 'ch_9' }],
      mismatched: [{ line: 3, reference: 'ch_2', statement: { amountMinor: 501 }, ledger: { amountMinor: 500 } }],
      unexpected: [{ reference: 'ch_3', amountMinor: 700 }],
    });
  });

  it('marks the period reconciled when a JSON statement matches everything', async () => {
    const text = JSON.stringify({ lines: [
      { reference: 'ch_1', amountMinor: 1999, currency: 'USD' },
      { reference: 'ch_2', amount: '5.00', currency: 'USD' },
      { reference: 'ch_3', amountMinor: 700, currency: 'USD' },
    ] });
    const result = await fx.ledger.importStatement(org, { ...period, format: 'json', text });
    expect(result).toMatchObject({ status: 'reconciled', matched: 3, missing: 0, mismatched: 0 });
    const again = await fx.ledger.importStatement(org, { ...period, format: 'json', text }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AppError);
    expect((again as AppError).code).toBe('RECONCILIATION_ALREADY_RECONCILED');
  });

  it('lets a person mark a mismatched period reconciled', async () => {
    const other = { periodStart: '2026-12-01', periodEnd: '2026-12-31' };
    const imported = await fx.ledger.importStatement(org, { ...other, format: 'csv', text: 'reference,amount_minor,currency\nch_x,10,USD\n' });
    expect(imported.status).toBe('mismatched');
    const marked = await fx.ledger.markReconciled(org, imported.id, 'founder-1');
    expect(marked).toMatchObject({ status: 'reconciled', reconciledBy: 'founder-1' });
  });

  it('names the line and field of bad input and writes nothing', async () => {
    const before = await fx.db.pool.connect(rowCounts);
    const csv = await fx.ledger
      .importStatement(org, { periodStart: '2027-01-01', periodEnd: '2027-01-31', format: 'csv', text: 'reference,amount,currency\nch_1,19.99,USD\nch_2,abc,USD\n' })
      .catch((e: unknown) => e);
    expect(csv).toBeInstanceOf(AppError);
    expect((csv as AppError).extras.errors).toEqual([{ path: 'text.line 3.amount', message: expect.stringContaining('decimal') }]);
    const json = await fx.ledger
      .importStatement(org, { periodStart: '2027-01-01', periodEnd: '2027-01-31', format: 'json', text: '[{"reference":"a","amountMinor":1,"currency":"usd"}]' })
      .catch((e: unknown) => e);
    expect((json as AppError).extras.errors).toEqual([{ path: 'text.line 1.currency', message: expect.any(String) }]);
    expect(await fx.db.pool.connect(rowCounts)).toEqual(before);
  });
});
