import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { reconciliationStatuses } from '../../engine/ledger/index.js';

/** Reconciliations (db/migrations/004_finance.sql): one row per org unit, source and period. */
export const reconciliationRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  period_start: z.string(),
  period_end: z.string(),
  source: z.string(),
  status: z.enum(reconciliationStatuses),
  statement_lines: z.number(),
  matched: z.number(),
  missing: z.number(),
  mismatched: z.number(),
  report: z.record(z.string(), z.unknown()),
  created_at: z.date(),
  reconciled_at: z.date().nullable(),
  reconciled_by: z.string().nullable(),
});
export type ReconciliationRow = z.infer<typeof reconciliationRow>;

const columns = sql.fragment`id, org_unit_id, period_start, period_end, source, status, statement_lines, matched, missing, mismatched,
  report, created_at, reconciled_at, reconciled_by`;

/**
 * Records an import's result for the period, replacing an earlier import's; a period
 * already reconciled is left as it is (null is returned).
 */
export async function upsertReconciliation(
  db: CommonQueryMethods,
  args: {
    orgUnitId: string;
    source: string;
    periodStart: string;
    periodEnd: string;
    status: 'mismatched' | 'reconciled';
    counts: { lines: number; matched: number; missing: number; mismatched: number };
    reportJson: string;
    at: Date;
    by: string | null;
  },
): Promise<ReconciliationRow | null> {
  const reconciledAt = args.status === 'reconciled' ? sql.timestamp(args.at) : null;
  const reconciledBy = args.status === 'reconciled' ? args.by : null;
  return db.maybeOne(sql.type(reconciliationRow)`
    INSERT INTO reconciliations (org_unit_id, source, period_start, period_end, status, statement_lines, matched, missing, mismatched,
                                 report, created_at, reconciled_at, reconciled_by)
    VALUES (${args.orgUnitId}, ${args.source}, ${args.periodStart}::date, ${args.periodEnd}::date, ${args.status}, ${args.counts.lines},
            ${args.counts.matched}, ${args.counts.missing}, ${args.counts.mismatched}, ${args.reportJson}::jsonb, ${sql.timestamp(args.at)},
            ${reconciledAt}, ${reconciledBy})
    ON CONFLICT (org_unit_id, source, period_start, period_end) DO UPDATE
       SET status = EXCLUDED.status, statement_lines = EXCLUDED.statement_lines, matched = EXCLUDED.matched, missing = EXCLUDED.missing,
           mismatched = EXCLUDED.mismatched, report = EXCLUDED.report, reconciled_at = EXCLUDED.reconciled_at,
           reconciled_by = EXCLUDED.reconciled_by
     WHERE reconciliations.status <> 'reconciled'
    RETURNING ${columns}`);
}

/** open | mismatched → reconciled (a person accepting the differences). Null when missing or already reconciled. */
export async function markReconciliationReconciled(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; by: string; at: Date },
): Promise<ReconciliationRow | null> {
  return db.maybeOne(sql.type(reconciliationRow)`
    UPDATE reconciliations SET status = 'reconciled', reconciled_at = ${sql.timestamp(args.at)}, reconciled_by = ${args.by}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status IN ('open', 'mismatched')
    RETURNING ${columns}`);
}

export async function findReconciliation(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<ReconciliationRow | null> {
  return db.maybeOne(sql.type(reconciliationRow)`SELECT ${columns} FROM reconciliations WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}
