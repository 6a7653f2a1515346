/**
 * Processor statements as the ledger's reconciliation import reads them
 * (engine/ledger/statements.ts): one line per settled charge (`charge:<orderId>`, +),
 * refund (`refund:<orderId>`, −) and chargeback (`chargeback:<orderId>`, −), and one line
 * with the day's fees (`fees:<date>`, −). References are the ledger transfer keys a shop
 * books these movements under.
 */
export type ProcessorStatementLine = Readonly<{ reference: string; currency: string; amountMinor: number; date: string; description: string }>;

export type ProcessorStatement = Readonly<{ periodStart: string; periodEnd: string; lines: readonly ProcessorStatementLine[] }>;

export function statementLine(kind: 'charge' | 'refund' | 'chargeback' | 'fees', key: string, args: { currency: string; amountMinor: number; date: string }): ProcessorStatementLine {
  const descriptions = { charge: 'card charge settled', refund: 'refund', chargeback: 'chargeback', fees: 'processing and dispute fees' } as const;
  return { reference: `${kind}:${key}`, currency: args.currency, amountMinor: args.amountMinor, date: args.date, description: descriptions[kind] };
}

/** CSV with the header the import expects; amounts in minor units, so no decimal point to misread. */
export function statementCsv(statement: ProcessorStatement): string {
  const rows = statement.lines.map((l) => [l.reference, l.currency, String(l.amountMinor), l.date, l.description].map(csvCell).join(','));
  return ['reference,currency,amount_minor,date,description', ...rows].join('\n') + '\n';
}

/** Several days' statements as one period. */
export function mergeStatements(statements: readonly ProcessorStatement[]): ProcessorStatement {
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (!first || !last) throw new RangeError('mergeStatements needs at least one statement');
  return { periodStart: first.periodStart, periodEnd: last.periodEnd, lines: statements.flatMap((s) => s.lines) };
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
