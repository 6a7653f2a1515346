import { describe, expect, it } from 'vitest';
import { matchStatement, parseCsvStatement, parseJsonStatement, reconciliationStatus, StatementError } from '../../../engine/ledger/index.js';

const problems = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatementError) return error.problems;
    throw error;
  }
  return [];
};

describe('CSV statements', () => {
  it('reads columns by header name, in any order, with quoting', () => {
    const lines = parseCsvStatement('currency,amount,reference,description\r\nUSD,19.99,ch_1,"Order 1, ""gift"""\r\n\r\nEUR,-5.00,ch_2,\n');
    expect(lines).toEqual([
      { line: 2, reference: 'ch_1', currency: 'USD', amountMinor: 1999, description: 'Order 1, "gift"' },
      { line: 4, reference: 'ch_2', currency: 'EUR', amountMinor: -500 },
    ]);
  });
  it('takes amount_minor as integers', () => {
    expect(parseCsvStatement('reference,amount_minor,currency,date\nch_1,1999,USD,2026-11-01\n')[0]).toMatchObject({ amountMinor: 1999, date: '2026-11-01' });
  });
  it('names the line and field of every bad cell', () => {
    expect(problems(() => parseCsvStatement('reference,amount,currency,date\nch_1,19.999,USD,\nch_2,1.00,US,2026-02-30\nch_1,1.00,USD,\n'))).toEqual([
      { path: 'line 2.amount', message: expect.any(String) },
      { path: 'line 3.currency', message: expect.any(String) },
      { path: 'line 3.date', message: expect.any(String) },
      { path: 'line 4.reference', message: '"ch_1" already appears on line 2' },
    ]);
    expect(problems(() => parseCsvStatement('reference,currency\n'))).toEqual([{ path: 'line 1', message: 'the header has no "amount" or "amount_minor" column' }]);
    expect(problems(() => parseCsvStatement('reference,amount,currency\nch_1,1.00\n'))).toEqual([{ path: 'line 2', message: 'has 2 cells, the header has 3' }]);
    expect(problems(() => parseCsvStatement('reference,amount,currency\n"ch_1,1.00,USD\n'))[0]?.path).toBe('line 2');
  });
});

describe('JSON statements', () => {
  it('reads an array or { lines }', () => {
    expect(parseJsonStatement('[{"reference":"a","amountMinor":5,"currency":"USD"}]')).toEqual([{ line: 1, reference: 'a', amountMinor: 5, currency: 'USD' }]);
    expect(parseJsonStatement('{"lines":[{"reference":"a","amount":"0.05","currency":"USD"}]}')[0]?.amountMinor).toBe(5);
  });
  it('refuses floats, missing fields and broken JSON, naming them', () => {
    expect(problems(() => parseJsonStatement('[{"reference":"a","amountMinor":5.5,"currency":"USD"},{"currency":"USD","amount":1}]'))).toEqual([
      { path: 'line 1.amount_minor', message: expect.any(String) },
      { path: 'line 2.reference', message: expect.any(String) },
      { path: 'line 2.amount', message: expect.any(String) },
    ]);
    expect(problems(() => parseJsonStatement('{'))[0]?.path).toBe('statement');
    expect(problems(() => parseJsonStatement('{"x":1}'))[0]?.path).toBe('statement');
  });
});

describe('matching', () => {
  it('sorts lines into matched, missing, mismatched and unexpected', () => {
    const lines = parseJsonStatement(JSON.stringify([
      { reference: 'a', amountMinor: 100, currency: 'USD' },
      { reference: 'b', amountMinor: 200, currency: 'USD' },
      { reference: 'c', amountMinor: 300, currency: 'USD' },
    ]));
    const report = matchStatement(lines, [
      { reference: 'a', amountMinor: 100, currency: 'USD' },
      { reference: 'b', amountMinor: 200, currency: 'EUR' },
      { reference: 'd', amountMinor: 400, currency: 'USD' },
    ]);
    expect(report.matched.map((m) => m.reference)).toEqual(['a']);
    expect(report.mismatched.map((m) => m.reference)).toEqual(['b']);
    expect(report.missing.map((m) => m.reference)).toEqual(['c']);
    expect(report.unexpected.map((m) => m.reference)).toEqual(['d']);
    expect(reconciliationStatus(report)).toBe('mismatched');
    expect(reconciliationStatus(matchStatement(lines.slice(0, 1), [{ reference: 'a', amountMinor: 100, currency: 'USD' }]))).toBe('reconciled');
  });
});
