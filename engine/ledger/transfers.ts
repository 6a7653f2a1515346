import { isAccountPath, accountPathProblem, isCurrency } from './accounts.js';

/** One side of a transfer: debit positive, credit negative, in integer minor units. */
export type Leg = Readonly<{ account: string; currency: string; amountMinor: number }>;

export type LegProblem = Readonly<{ path: string; message: string }>;

export const maxLegs = 64;
/** Largest amount a leg or a balance may carry: int8 in the database, safe integer here. */
export const maxAmountMinor = Number.MAX_SAFE_INTEGER;

/**
 * Everything wrong with a transfer's legs, each named by its field path; empty when the
 * legs may be written. Balance is per currency: a USD debit cannot be paid by a EUR credit.
 */
export function legProblems(legs: readonly Leg[]): LegProblem[] {
  const problems: LegProblem[] = [];
  if (legs.length < 2) problems.push({ path: 'legs', message: 'a transfer needs at least two legs' });
  if (legs.length > maxLegs) problems.push({ path: 'legs', message: `a transfer has at most ${maxLegs} legs` });
  const sums = new Map<string, bigint>();
  legs.forEach((leg, index) => {
    const at = `legs.${index}`;
    const pathProblem = accountPathProblem(leg.account);
    if (pathProblem) problems.push({ path: `${at}.account`, message: `"${leg.account}" ${pathProblem}` });
    if (!isCurrency(leg.currency)) {
      problems.push({ path: `${at}.currency`, message: 'is not a three-letter currency code' });
      return;
    }
    if (!Number.isSafeInteger(leg.amountMinor)) {
      problems.push({ path: `${at}.amountMinor`, message: 'must be a whole number of minor units' });
      return;
    }
    if (leg.amountMinor === 0) problems.push({ path: `${at}.amountMinor`, message: 'must not be zero' });
    sums.set(leg.currency, (sums.get(leg.currency) ?? 0n) + BigInt(leg.amountMinor));
  });
  for (const [currency, sum] of sums) {
    if (sum !== 0n) problems.push({ path: 'legs', message: `${currency} legs sum to ${sum}, not zero` });
  }
  return problems;
}

export const isBalanced = (legs: readonly Leg[]): boolean => legProblems(legs).length === 0;

/** The legs a reversal posts: the same accounts with the signs flipped. */
export function reversedLegs(legs: readonly Leg[]): Leg[] {
  return legs.map((leg) => ({ account: leg.account, currency: leg.currency, amountMinor: -leg.amountMinor }));
}

/** Legs in one order whatever order the caller wrote them in, for comparing two payloads. */
export function canonicalLegs(legs: readonly Leg[]): Leg[] {
  return [...legs].sort(
    (a, b) => compareText(a.account, b.account) || compareText(a.currency, b.currency) || a.amountMinor - b.amountMinor,
  );
}

export function sameLegs(a: readonly Leg[], b: readonly Leg[]): boolean {
  if (a.length !== b.length) return false;
  const left = canonicalLegs(a);
  const right = canonicalLegs(b);
  return left.every((leg, i) => {
    const other = right[i];
    return other !== undefined && leg.account === other.account && leg.currency === other.currency && leg.amountMinor === other.amountMinor;
  });
}

export const accountKey = (account: string, currency: string): string => `${account}/${currency}`;

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

export { isAccountPath };
