import type { BalanceRule } from './accounts.js';

/**
 * An account's standing for the balance rule: posted sum, and pending debits and credits
 * kept apart. A rule counts pending amounts that work against it and ignores those that
 * would help, so a hold reserves funds and a pending credit is never spent before it posts.
 */
export type AccountStanding = { postedMinor: number; pendingDebitsMinor: number; pendingCreditsMinor: number };

export type StandingChange = Readonly<{ amountMinor: number; pending: boolean }>;

export function applyToStanding(standing: AccountStanding, change: StandingChange): AccountStanding {
  if (!change.pending) return { ...standing, postedMinor: standing.postedMinor + change.amountMinor };
  return change.amountMinor > 0
    ? { ...standing, pendingDebitsMinor: standing.pendingDebitsMinor + change.amountMinor }
    : { ...standing, pendingCreditsMinor: standing.pendingCreditsMinor + change.amountMinor };
}

/** True when the standing satisfies the rule. */
export function withinRule(rule: BalanceRule, standing: AccountStanding): boolean {
  if (rule === 'debits_within_credits') return standing.postedMinor + standing.pendingDebitsMinor <= 0;
  if (rule === 'credits_within_debits') return standing.postedMinor + standing.pendingCreditsMinor >= 0;
  return true;
}

/**
 * Applies the changes if every constrained account stays within its rule, else reports
 * the first account that would break it and leaves the standings untouched. Changes that
 * only improve an account's standing are always allowed, so a rule never blocks a repair.
 */
export function tryApply(
  standings: Map<string, AccountStanding>,
  rules: ReadonlyMap<string, BalanceRule>,
  changes: readonly (StandingChange & { key: string })[],
): { ok: true } | { ok: false; key: string; standing: AccountStanding } {
  const next = new Map<string, AccountStanding>();
  for (const change of changes) {
    const current = next.get(change.key) ?? standings.get(change.key) ?? { postedMinor: 0, pendingDebitsMinor: 0, pendingCreditsMinor: 0 };
    next.set(change.key, applyToStanding(current, change));
  }
  for (const [key, standing] of next) {
    const rule = rules.get(key) ?? 'none';
    if (rule === 'none' || withinRule(rule, standing)) continue;
    const before = standings.get(key) ?? { postedMinor: 0, pendingDebitsMinor: 0, pendingCreditsMinor: 0 };
    if (!worsens(rule, before, standing)) continue;
    return { ok: false, key, standing };
  }
  for (const [key, standing] of next) standings.set(key, standing);
  return { ok: true };
}

function exposure(rule: BalanceRule, s: AccountStanding): number {
  return rule === 'debits_within_credits' ? s.postedMinor + s.pendingDebitsMinor : -(s.postedMinor + s.pendingCreditsMinor);
}

const worsens = (rule: BalanceRule, before: AccountStanding, after: AccountStanding): boolean => exposure(rule, after) > exposure(rule, before);
