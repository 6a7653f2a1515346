import { describe, expect, it } from 'vitest';
import { accountPathProblem, accountTraits, canonicalLegs, isBalanced, legProblems, maxLegs, reversedLegs, sameLegs, tryApply, type AccountStanding, type BalanceRule } from '../../../engine/ledger/index.js';

describe('account paths', () => {
  it('accepts colon paths with a lower-case head', () => {
    for (const path of ['creator:42:payable', 'platform:cash', 'reserve:disputes', 'processor:clearing:eu-1']) expect(accountPathProblem(path)).toBeUndefined();
  });
  it('refuses anything else, saying why', () => {
    for (const path of ['cash', 'Platform:cash', 'platform:', ':cash', 'platform cash:x', 'a:b:', `a:${'x'.repeat(300)}`]) expect(accountPathProblem(path)).toBeDefined();
  });
  it('derives kind and balance rule from the path', () => {
    expect(accountTraits('creator:42:payable')).toEqual({ kind: 'liability', balanceRule: 'debits_within_credits' });
    expect(accountTraits('reserve:disputes')).toEqual({ kind: 'asset', balanceRule: 'credits_within_debits' });
    expect(accountTraits('platform:cash')).toEqual({ kind: 'asset', balanceRule: 'none' });
    expect(accountTraits('expense:chargebacks').kind).toBe('expense');
    expect(accountTraits('revenue:sales').kind).toBe('revenue');
  });
});

describe('legs', () => {
  const usd = (account: string, amountMinor: number) => ({ account, currency: 'USD', amountMinor });
  it('accepts legs that sum to zero per currency', () => {
    expect(isBalanced([usd('a:b', 5), usd('c:d', -3), usd('e:f', -2)])).toBe(true);
    expect(isBalanced([usd('a:b', 5), usd('c:d', -5), { account: 'a:b', currency: 'EUR', amountMinor: 1 }, { account: 'c:d', currency: 'EUR', amountMinor: -1 }])).toBe(true);
  });
  it('names each problem by field path', () => {
    expect(legProblems([usd('a:b', 5), usd('c:d', -4)])).toEqual([{ path: 'legs', message: 'USD legs sum to 1, not zero' }]);
    expect(legProblems([usd('a:b', 0), usd('c:d', 0)]).map((p) => p.path)).toEqual(['legs.0.amountMinor', 'legs.1.amountMinor']);
    expect(legProblems([usd('a:b', 1.5), usd('c:d', -1.5)]).map((p) => p.path)).toEqual(['legs.0.amountMinor', 'legs.1.amountMinor']);
    expect(legProblems([{ account: 'a:b', currency: 'usd', amountMinor: 1 }, usd('bad', -1)]).map((p) => p.path)).toEqual(['legs.0.currency', 'legs.1.account', 'legs']);
    expect(legProblems([usd('a:b', 1)])[0]?.path).toBe('legs');
    expect(legProblems(Array.from({ length: maxLegs + 2 }, (_, i) => usd('a:b', i % 2 === 0 ? 1 : -1)))[0]?.message).toContain('at most');
  });
  it('sums beyond 2^53 exactly', () => {
    expect(isBalanced([usd('a:b', Number.MAX_SAFE_INTEGER), usd('a:c', Number.MAX_SAFE_INTEGER), usd('c:d', -Number.MAX_SAFE_INTEGER), usd('c:e', -Number.MAX_SAFE_INTEGER + 1)])).toBe(false);
  });
  it('reverses and compares legs regardless of order', () => {
    const legs = [usd('a:b', 5), usd('c:d', -5)];
    expect(reversedLegs(legs)).toEqual([usd('a:b', -5), usd('c:d', 5)]);
    expect(sameLegs(legs, [...legs].reverse())).toBe(true);
    expect(sameLegs(legs, reversedLegs(legs))).toBe(false);
    expect(canonicalLegs([usd('c:d', -5), usd('a:b', 5)])[0]?.account).toBe('a:b');
  });
});

describe('balance rules', () => {
  const zero = (): AccountStanding => ({ postedMinor: 0, pendingDebitsMinor: 0, pendingCreditsMinor: 0 });
  const rules = new Map<string, BalanceRule>([['payable', 'debits_within_credits'], ['reserve', 'credits_within_debits']]);
  it('refuses a debit the credits do not cover, counting pending debits', () => {
    const standings = new Map([['payable', { ...zero(), postedMinor: -100 }]]);
    expect(tryApply(standings, rules, [{ key: 'payable', amountMinor: 60, pending: true }]).ok).toBe(true);
    expect(tryApply(standings, rules, [{ key: 'payable', amountMinor: 50, pending: false }])).toMatchObject({ ok: false, key: 'payable' });
    expect(standings.get('payable')).toEqual({ postedMinor: -100, pendingDebitsMinor: 60, pendingCreditsMinor: 0 });
  });
  it('never spends a pending credit', () => {
    const standings = new Map<string, AccountStanding>();
    expect(tryApply(standings, rules, [{ key: 'payable', amountMinor: -100, pending: true }]).ok).toBe(true);
    expect(tryApply(standings, rules, [{ key: 'payable', amountMinor: 10, pending: false }]).ok).toBe(false);
  });
  it('keeps a reserve from going below zero and lets unconstrained accounts go anywhere', () => {
    const standings = new Map<string, AccountStanding>();
    expect(tryApply(standings, rules, [{ key: 'reserve', amountMinor: -1, pending: false }]).ok).toBe(false);
    expect(tryApply(standings, rules, [{ key: 'cash', amountMinor: -1_000_000, pending: false }]).ok).toBe(true);
  });
  it('lets a change that only improves an account already outside its rule through', () => {
    const standings = new Map([['payable', { ...zero(), postedMinor: 50 }]]);
    expect(tryApply(standings, rules, [{ key: 'payable', amountMinor: -20, pending: false }]).ok).toBe(true);
  });
});
