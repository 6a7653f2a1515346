import type { DatabasePool } from 'slonik';
import { transfersOnAccount, transfersOnAccountByKeys } from '../../db/queries/ledger.js';
import { findReconciliation, markReconciliationReconciled, upsertReconciliation, type ReconciliationRow } from '../../db/queries/reconciliations.js';
import {
  accountPathProblem,
  matchStatement,
  parseStatement,
  reconciliationStatus,
  StatementError,
  statementFormats,
  type LedgerItem,
  type ReconciliationReport,
  type StatementFormat,
} from '../../engine/ledger/index.js';
import { AppError, notFound, validationFailed, type FieldError } from '../errors/catalog.js';

export type ImportStatementInput = Readonly<{
  /** Inclusive dates, YYYY-MM-DD (UTC). */
  periodStart: string;
  periodEnd: string;
  format: StatementFormat;
  text: string;
  /** Which statement this is; one reconciliation per org unit, source and period. */
  source?: string;
  /** The ledger account the processor's money passes through. */
  clearingAccount?: string;
  by?: string;
}>;

export type ReconciliationView = Readonly<{
  id: string;
  orgUnitId: string;
  periodStart: string;
  periodEnd: string;
  source: string;
  status: ReconciliationRow['status'];
  statementLines: number;
  matched: number;
  missing: number;
  mismatched: number;
  report: Readonly<Record<string, unknown>>;
  reconciledAt: string | null;
  reconciledBy: string | null;
}>;

export const defaultClearingAccount = 'processor:clearing';
const dayMs = 24 * 60 * 60 * 1000;

/**
 * Parses the whole statement before touching the database, so bad input writes nothing;
 * then matches it with the posted transfers on the clearing account and records the result.
 */
export async function importStatement(deps: { pool: DatabasePool; at: Date }, orgUnitId: string, input: ImportStatementInput): Promise<ReconciliationView> {
  const errors: FieldError[] = [];
  const start = parseDay(input.periodStart);
  const end = parseDay(input.periodEnd);
  if (!start) errors.push({ path: 'periodStart', message: 'must be a date like 2026-11-01' });
  if (!end) errors.push({ path: 'periodEnd', message: 'must be a date like 2026-11-30' });
  if (start && end && end < start) errors.push({ path: 'periodEnd', message: 'must not be before periodStart' });
  if (!(statementFormats as readonly string[]).includes(input.format)) errors.push({ path: 'format', message: 'must be csv or json' });
  const clearing = input.clearingAccount ?? defaultClearingAccount;
  const pathProblem = accountPathProblem(clearing);
  if (pathProblem) errors.push({ path: 'clearingAccount', message: `"${clearing}" ${pathProblem}` });
  if (errors.length > 0 || !start || !end) throw validationFailed(errors);
  let lines;
  try {
    lines = parseStatement(input.format, input.text);
  } catch (error) {
    if (error instanceof StatementError) throw validationFailed(error.problems.map((p) => ({ path: `text.${p.path}`, message: p.message })));
    throw error;
  }
  const source = input.source ?? 'processor';
  return deps.pool.transaction(async (tx) => {
    const inPeriod = await transfersOnAccount(tx, { orgUnitId, path: clearing, from: start, to: new Date(end.getTime() + dayMs) });
    const inPeriodKeys = new Set(inPeriod.map((r) => r.reference));
    // A line may settle a transfer booked just outside the period; it still matches it.
    const elsewhere = await transfersOnAccountByKeys(tx, { orgUnitId, path: clearing, keys: lines.map((l) => l.reference).filter((k) => !inPeriodKeys.has(k)) });
    const toItem = (r: { reference: string; currency: string; amount_minor: number }): LedgerItem => ({ reference: r.reference, currency: r.currency, amountMinor: r.amount_minor });
    const report = matchStatement(lines, [...inPeriod.map(toItem), ...elsewhere.map(toItem)]);
    const status = reconciliationStatus(report);
    const row = await upsertReconciliation(tx, {
      orgUnitId,
      source,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      status,
      counts: { lines: lines.length, matched: report.matched.length, missing: report.missing.length, mismatched: report.mismatched.length },
      reportJson: JSON.stringify({ ...report, clearingAccount: clearing }),
      at: deps.at,
      by: input.by ?? 'statement-import',
    });
    if (!row) throw new AppError('RECONCILIATION_ALREADY_RECONCILED', `${source} ${input.periodStart}..${input.periodEnd} is already reconciled`);
    return reconciliationView(row);
  });
}

export async function markReconciled(deps: { pool: DatabasePool; at: Date }, orgUnitId: string, id: string, by: string): Promise<ReconciliationView> {
  return deps.pool.transaction(async (tx) => {
    const row = await markReconciliationReconciled(tx, { orgUnitId, id, by, at: deps.at });
    if (row) return reconciliationView(row);
    const current = await findReconciliation(tx, { orgUnitId, id });
    if (!current) throw notFound(`reconciliation ${id}`);
    throw new AppError('RECONCILIATION_ALREADY_RECONCILED', `reconciliation ${id} was reconciled by ${current.reconciled_by ?? 'someone'}`);
  });
}

export async function getReconciliation(deps: { pool: DatabasePool }, orgUnitId: string, id: string): Promise<ReconciliationView> {
  const row = await deps.pool.connect((c) => findReconciliation(c, { orgUnitId, id }));
  if (!row) throw notFound(`reconciliation ${id}`);
  return reconciliationView(row);
}

export type { ReconciliationReport };

function parseDay(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || !date.toISOString().startsWith(text) ? undefined : date;
}

function reconciliationView(row: ReconciliationRow): ReconciliationView {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    source: row.source,
    status: row.status,
    statementLines: row.statement_lines,
    matched: row.matched,
    missing: row.missing,
    mismatched: row.mismatched,
    report: row.report,
    reconciledAt: row.reconciled_at?.toISOString() ?? null,
    reconciledBy: row.reconciled_by,
  };
}
