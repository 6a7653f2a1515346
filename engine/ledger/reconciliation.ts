import type { StatementLine } from './statements.js';

/** A posted ledger transfer as the processor should report it: its key and the amount on the clearing account. */
export type LedgerItem = Readonly<{ reference: string; currency: string; amountMinor: number }>;

export type ReconciliationReport = Readonly<{
  matched: readonly { line: number; reference: string; amountMinor: number; currency: string }[];
  /** On the statement, not in the ledger. */
  missing: readonly { line: number; reference: string; amountMinor: number; currency: string }[];
  /** In both, with a different amount or currency. */
  mismatched: readonly { line: number; reference: string; statement: { amountMinor: number; currency: string }; ledger: { amountMinor: number; currency: string } }[];
  /** In the ledger for the period, not on the statement. */
  unexpected: readonly LedgerItem[];
}>;

export const reconciliationStatus = (report: ReconciliationReport): 'reconciled' | 'mismatched' =>
  report.missing.length + report.mismatched.length + report.unexpected.length === 0 ? 'reconciled' : 'mismatched';

/** Matches statement lines to ledger items by reference, then compares amount and currency. */
export function matchStatement(lines: readonly StatementLine[], ledger: readonly LedgerItem[]): ReconciliationReport {
  const byReference = new Map(ledger.map((item) => [item.reference, item]));
  const seen = new Set<string>();
  const matched: ReconciliationReport['matched'][number][] = [];
  const missing: ReconciliationReport['missing'][number][] = [];
  const mismatched: ReconciliationReport['mismatched'][number][] = [];
  for (const line of lines) {
    const item = byReference.get(line.reference);
    const summary = { line: line.line, reference: line.reference, amountMinor: line.amountMinor, currency: line.currency };
    if (!item) {
      missing.push(summary);
      continue;
    }
    seen.add(line.reference);
    if (item.amountMinor === line.amountMinor && item.currency === line.currency) matched.push(summary);
    else
      mismatched.push({
        line: line.line,
        reference: line.reference,
        statement: { amountMinor: line.amountMinor, currency: line.currency },
        ledger: { amountMinor: item.amountMinor, currency: item.currency },
      });
  }
  const unexpected = ledger.filter((item) => !seen.has(item.reference));
  return { matched, missing, mismatched, unexpected };
}
