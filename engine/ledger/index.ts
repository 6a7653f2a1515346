export { accountKinds, accountPathProblem, accountTraits, balanceRules, isAccountPath, isCurrency, maxPathLength, type AccountKind, type AccountTraits, type BalanceRule } from './accounts.js';
export { accountKey, canonicalLegs, isBalanced, legProblems, maxAmountMinor, maxLegs, reversedLegs, sameLegs, type Leg, type LegProblem } from './transfers.js';
export { applyToStanding, tryApply, withinRule, type AccountStanding, type StandingChange } from './balance-rules.js';
export { maxStatementLines, parseCsvStatement, parseJsonStatement, parseStatement, StatementError, statementFormats, type StatementFormat, type StatementLine, type StatementProblem } from './statements.js';
export { matchStatement, reconciliationStatus, type LedgerItem, type ReconciliationReport } from './reconciliation.js';
export const transferKinds = ['transfer', 'hold', 'reversal'] as const;
export type TransferKind = (typeof transferKinds)[number];
export const transferStatuses = ['pending', 'posted', 'voided', 'expired'] as const;
export type TransferStatus = (typeof transferStatuses)[number];
export const disputeStatuses = ['open', 'won', 'lost'] as const;
export type DisputeStatus = (typeof disputeStatuses)[number];
export const reconciliationStatuses = ['open', 'mismatched', 'reconciled'] as const;
export type ReconciliationStatus = (typeof reconciliationStatuses)[number];
export {
  availableForPayout,
  commissionEarned,
  formatMinor,
  payoutBlockers,
  payoutRiskLimit,
  payoutRiskScore,
  type PayoutCheck,
  type PayoutFunds,
  type PayoutRiskInputs,
  type PeriodReconciliation,
} from './payout-check.js';
