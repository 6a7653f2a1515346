/**
 * Accounts are named by path: lower-case first segment, then one or more segments
 * (`creator:42:payable`, `platform:cash`, `reserve:disputes`). An account is a path in one
 * currency. Its kind and balance rule follow from the path, so every caller that names
 * `creator:42:payable` gets the same never-negative liability without declaring it.
 */
export const accountKinds = ['asset', 'liability', 'equity', 'revenue', 'expense'] as const;
export type AccountKind = (typeof accountKinds)[number];

/** debits_within_credits: the balance (debit positive) never rises above zero; credits_within_debits: never below. */
export const balanceRules = ['none', 'debits_within_credits', 'credits_within_debits'] as const;
export type BalanceRule = (typeof balanceRules)[number];

export type AccountTraits = Readonly<{ kind: AccountKind; balanceRule: BalanceRule }>;

const pathPattern = /^[a-z][a-z0-9_-]*(:[A-Za-z0-9_-]+)+$/;
export const maxPathLength = 200;

export function accountPathProblem(path: string): string | undefined {
  if (path.length > maxPathLength) return `is longer than ${maxPathLength} characters`;
  if (!pathPattern.test(path)) return 'is not an account path like creator:42:payable';
  return undefined;
}

export function isAccountPath(path: string): boolean {
  return accountPathProblem(path) === undefined;
}

const currencyPattern = /^[A-Z]{3}$/;
export const isCurrency = (currency: string): boolean => currencyPattern.test(currency);

/**
 * Traits by convention. Payables and other liabilities owed to someone may never be
 * overdrawn; `reserve:*` is restricted cash that may never go below zero; everything else
 * is free (cash may go negative in a model; a real org unit's payout invariants guard it).
 */
export function accountTraits(path: string): AccountTraits {
  const segments = path.split(':');
  const first = segments[0] ?? '';
  const last = segments[segments.length - 1] ?? '';
  if (first === 'reserve') return { kind: 'asset', balanceRule: 'credits_within_debits' };
  if (first === 'revenue' || last === 'revenue' || last === 'fees' || last === 'commission') return { kind: 'revenue', balanceRule: 'none' };
  if (first === 'expense' || last === 'expense' || last === 'losses') return { kind: 'expense', balanceRule: 'none' };
  if (first === 'equity') return { kind: 'equity', balanceRule: 'none' };
  if (last === 'payable' || last === 'liability' || last === 'deposits') return { kind: 'liability', balanceRule: 'debits_within_credits' };
  return { kind: 'asset', balanceRule: 'none' };
}
