import type { BalanceRow, EntryRow, TransferRow } from '../../db/queries/ledger.js';
import type { AccountKind, BalanceRule, Leg, TransferKind, TransferStatus } from '../../engine/ledger/index.js';

export type TransferView = Readonly<{
  id: string;
  orgUnitId: string;
  transferKey: string;
  kind: TransferKind;
  status: TransferStatus;
  legs: readonly Leg[];
  description: string;
  metadata: Readonly<Record<string, unknown>>;
  reversesId: string | null;
  holdExpiresAt: string | null;
  effectiveAt: string;
  resolvedAt: string | null;
}>;

export type BalanceView = Readonly<{
  account: string;
  currency: string;
  kind: AccountKind;
  balanceRule: BalanceRule;
  /** Debit positive. */
  postedMinor: number;
  pendingDebitsMinor: number;
  pendingCreditsMinor: number;
}>;

export function transferView(row: TransferRow, entries: readonly EntryRow[]): TransferView {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    transferKey: row.transfer_key,
    kind: row.kind,
    status: row.status,
    legs: entries.map((e) => ({ account: e.account, currency: e.currency, amountMinor: e.amount_minor })),
    description: row.description,
    metadata: row.metadata,
    reversesId: row.reverses_id,
    holdExpiresAt: row.hold_expires_at?.toISOString() ?? null,
    effectiveAt: row.effective_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  };
}

export function balanceView(row: BalanceRow): BalanceView {
  return {
    account: row.path,
    currency: row.currency,
    kind: row.kind,
    balanceRule: row.balance_rule,
    postedMinor: row.posted_minor,
    pendingDebitsMinor: row.pending_debits_minor,
    pendingCreditsMinor: row.pending_credits_minor,
  };
}
