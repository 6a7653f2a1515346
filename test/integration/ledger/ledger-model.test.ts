import fc from 'fast-check';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { accountTraits, tryApply, withinRule, type AccountStanding, type BalanceRule, type Leg } from '../../../engine/ledger/index.js';
import { AppError } from '../../../server/errors/catalog.js';
import { createLedgerFixture, createOrder, type LedgerFixture } from './ledger-fixture.js';

/**
 * Model-based: random sequences of transfers, holds, posts, voids, expiries, reversals and
 * disputes run against the service and against a model in memory. Every answer must be the
 * one the model predicts, and afterwards the database must agree with the model: balances,
 * a zero trial balance, every transfer balanced and written once, no rule broken.
 */
let fx: LedgerFixture;
beforeAll(async () => {
  fx = await createLedgerFixture();
});
afterAll(async () => {
  await fx.close();
});

const accounts = ['creator:1:payable', 'creator:2:payable', 'platform:cash', 'reserve:disputes', 'revenue:sales'] as const;
const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'] as const;
const account = fc.constantFrom(...accounts);
const key = fc.constantFrom(...keys);
const amount = fc.integer({ min: 1, max: 500 });

const command = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('transfer' as const), key, from: account, to: account, amount }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('hold' as const), key, from: account, to: account, amount, ttlMs: fc.integer({ min: 1, max: 5000 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('post' as const, 'void' as const), key }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 4000 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('reverse' as const), key: fc.constantFrom(...keys, 'k0:rev0', 'k1:rev1'), n: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dispute' as const), order: fc.integer({ min: 0, max: 1 }), amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resolve' as const), order: fc.integer({ min: 0, max: 1 }), outcome: fc.constantFrom('won' as const, 'lost' as const) }) },
);

type ModelTransfer = { legs: Leg[]; kind: 'transfer' | 'hold' | 'reversal'; status: 'pending' | 'posted' | 'voided' | 'expired'; expiresAt?: number; reversedBy?: string; reverses?: string };

class Model {
  standings = new Map<string, AccountStanding>();
  transfers = new Map<string, ModelTransfer>();
  disputes = new Map<number, { amount: number; status: 'open' | 'won' | 'lost' }>();
  rules = new Map<string, BalanceRule>(accounts.map((a) => [a, accountTraits(a).balanceRule]));
  rules2 = new Map<string, BalanceRule>([...this.rules, ['expense:chargebacks', 'none']]);

  /** Applies if the rules allow; false (and nothing changed) if not. */
  write(key: string, t: ModelTransfer): boolean {
    const ok = tryApply(this.standings, this.rules2, t.legs.map((l) => ({ key: l.account, amountMinor: l.amountMinor, pending: t.kind === 'hold' })));
    if (ok.ok) this.transfers.set(key, t);
    return ok.ok;
  }

  settle(t: ModelTransfer, to: 'posted' | 'voided' | 'expired'): void {
    for (const leg of t.legs) {
      const s = this.standings.get(leg.account) ?? { postedMinor: 0, pendingDebitsMinor: 0, pendingCreditsMinor: 0 };
      if (leg.amountMinor > 0) s.pendingDebitsMinor -= leg.amountMinor;
      else s.pendingCreditsMinor -= leg.amountMinor;
      if (to === 'posted') s.postedMinor += leg.amountMinor;
      this.standings.set(leg.account, s);
    }
    t.status = to;
  }
}

const seen = new Map<string, number>();
const outcome = async (promise: Promise<unknown>): Promise<string> => {
  let result: string;
  try {
    await promise;
    result = 'ok';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    result = error.code;
  }
  seen.set(result, (seen.get(result) ?? 0) + 1);
  return result;
};

let run = 0;
it('random ledger histories keep every invariant and match the model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 40, size: 'large' }), async (commands) => {
      run += 1;
      const orgUnitId = `model_${run}`;
      await fx.db.pool.connect((c) => upsertOrgUnit(c, { id: orgUnitId, name: 'model' }));
      const orders = [await createOrder(fx.db, `m${run}-0`, 1000, orgUnitId), await createOrder(fx.db, `m${run}-1`, 1000, orgUnitId)];
      const model = new Model();
      const { ledger, clock } = fx;
      const legs = (from: string, to: string, a: number): Leg[] => [
        { account: to, currency: 'USD', amountMinor: a },
        { account: from, currency: 'USD', amountMinor: -a },
      ];

      for (const c of commands) {
        if (c.t === 'transfer' || c.t === 'hold') {
          const expiresAt = c.t === 'hold' ? clock.now() + c.ttlMs : undefined;
          const input = { orgUnitId, transferKey: c.key, legs: legs(c.from, c.to, c.amount), ...(expiresAt === undefined ? {} : { hold: { expiresAt: new Date(expiresAt) } }) };
          const existing = model.transfers.get(c.key);
          let expected: string;
          if (existing) {
            const same = existing.kind === (c.t === 'hold' ? 'hold' : 'transfer') && JSON.stringify(existing.legs) === JSON.stringify(input.legs) && existing.expiresAt === expiresAt;
            expected = same ? 'ok' : 'TRANSFER_KEY_CONFLICT';
          } else {
            const t: ModelTransfer = { legs: input.legs, kind: c.t, status: c.t === 'hold' ? 'pending' : 'posted', ...(expiresAt === undefined ? {} : { expiresAt }) };
            expected = model.write(c.key, t) ? 'ok' : 'LEDGER_INSUFFICIENT_FUNDS';
          }
          expect(await outcome(ledger.transfer(input))).toBe(expected);
        } else if (c.t === 'post' || c.t === 'void') {
          const t = model.transfers.get(c.key);
          const to = c.t === 'post' ? 'posted' : 'voided';
          let expected: string;
          if (!t) expected = 'NOT_FOUND';
          else if (t.kind !== 'hold') expected = 'LEDGER_HOLD_NOT_PENDING';
          else if (t.status === to) expected = 'ok';
          else if (t.status !== 'pending') expected = 'LEDGER_HOLD_NOT_PENDING';
          else if ((t.expiresAt ?? 0) <= clock.now()) {
            model.settle(t, 'expired');
            expected = 'LEDGER_HOLD_EXPIRED';
          } else {
            model.settle(t, to);
            expected = 'ok';
          }
          expect(await outcome(c.t === 'post' ? ledger.post(orgUnitId, c.key) : ledger.void(orgUnitId, c.key))).toBe(expected);
        } else if (c.t === 'advance') {
          clock.advance(c.ms);
          let due = 0;
          for (const t of model.transfers.values()) {
            if (t.kind === 'hold' && t.status === 'pending' && (t.expiresAt ?? 0) <= clock.now()) {
              model.settle(t, 'expired');
              due += 1;
            }
          }
          // Other org units' holds in this schema are long settled or expired by earlier runs.
          expect(await ledger.expireDue()).toBeGreaterThanOrEqual(due);
        } else if (c.t === 'reverse') {
          const rkey = `${c.key}:rev${c.n}`;
          const t = model.transfers.get(c.key);
          let expected: string;
          if (!t) expected = 'NOT_FOUND';
          else if (t.kind === 'reversal') expected = 'LEDGER_NOT_REVERSIBLE';
          else if (t.reversedBy !== undefined) expected = t.reversedBy === rkey ? 'ok' : 'LEDGER_NOT_REVERSIBLE';
          else if (t.status !== 'posted') expected = 'LEDGER_NOT_REVERSIBLE';
          else if (model.transfers.has(rkey)) expected = 'TRANSFER_KEY_CONFLICT';
          else {
            const reversal: ModelTransfer = { legs: t.legs.map((l) => ({ ...l, amountMinor: -l.amountMinor })), kind: 'reversal', status: 'posted', reverses: c.key };
            expected = model.write(rkey, reversal) ? 'ok' : 'LEDGER_INSUFFICIENT_FUNDS';
            if (expected === 'ok') t.reversedBy = rkey;
          }
          expect(await outcome(ledger.reverse(orgUnitId, c.key, rkey))).toBe(expected);
        } else if (c.t === 'dispute') {
          const orderId = orders[c.order] ?? '';
          const d = model.disputes.get(c.order);
          let expected: string;
          if (d) expected = d.amount === c.amount ? 'ok' : 'ALREADY_EXISTS';
          else {
            model.write(`dispute:${orderId}:reserve`, { legs: legs('platform:cash', 'reserve:disputes', c.amount), kind: 'hold', status: 'pending', expiresAt: Number.MAX_SAFE_INTEGER });
            model.disputes.set(c.order, { amount: c.amount, status: 'open' });
            expected = 'ok';
          }
          expect(await outcome(ledger.openDispute(orgUnitId, { orderId, amountMinor: c.amount, currency: 'USD' }))).toBe(expected);
        } else if (c.t === 'resolve') {
          const orderId = orders[c.order] ?? '';
          const d = model.disputes.get(c.order);
          if (!d) continue;
          const dispute = await ledger.openDispute(orgUnitId, { orderId, amountMinor: d.amount, currency: 'USD' });
          let expected: string;
          if (d.status !== 'open') expected = d.status === c.outcome ? 'ok' : 'DISPUTE_ALREADY_RESOLVED';
          else {
            const hold = model.transfers.get(`dispute:${orderId}:reserve`);
            if (hold) model.settle(hold, c.outcome === 'won' ? 'voided' : 'posted');
            if (c.outcome === 'lost') model.write(`dispute:${orderId}:chargeback`, { legs: legs('reserve:disputes', 'expense:chargebacks', d.amount), kind: 'transfer', status: 'posted' });
            d.status = c.outcome;
            expected = 'ok';
          }
          expect(await outcome(ledger.resolveDispute(orgUnitId, dispute.id, c.outcome))).toBe(expected);
        }
      }

      // The database agrees with the model, account by account.
      const balances = await ledger.balances(orgUnitId);
      for (const b of balances) {
        const s = model.standings.get(b.account) ?? { postedMinor: 0, pendingDebitsMinor: 0, pendingCreditsMinor: 0 };
        expect({ account: b.account, posted: b.postedMinor, pendingDebits: b.pendingDebitsMinor, pendingCredits: b.pendingCreditsMinor }).toEqual({
          account: b.account,
          posted: s.postedMinor,
          pendingDebits: s.pendingDebitsMinor,
          pendingCredits: s.pendingCreditsMinor,
        });
        expect(withinRule(b.balanceRule, { postedMinor: b.postedMinor, pendingDebitsMinor: b.pendingDebitsMinor, pendingCreditsMinor: b.pendingCreditsMinor })).toBe(true);
      }
      for (const row of await ledger.trialBalance(orgUnitId)) expect(row.netMinor).toBe(0);
      const broken = await fx.db.pool.connect((c) =>
        c.any(sql.type(z.object({ transfer_id: z.string() }))`
          SELECT e.transfer_id FROM ledger_entries e WHERE e.org_unit_id = ${orgUnitId}
           GROUP BY e.transfer_id HAVING sum(e.amount_minor) <> 0 OR count(*) <> 2`),
      );
      expect(broken).toEqual([]);
      const posted = await fx.db.pool.connect((c) =>
        c.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ledger_transfers WHERE org_unit_id = ${orgUnitId}`),
      );
      expect(posted).toBe(model.transfers.size);
    }),
    { numRuns: 60 },
  );
  // The histories reached the interesting answers, not only the happy path.
  for (const code of ['ok', 'LEDGER_INSUFFICIENT_FUNDS', 'TRANSFER_KEY_CONFLICT', 'LEDGER_HOLD_NOT_PENDING', 'LEDGER_NOT_REVERSIBLE', 'NOT_FOUND']) {
    expect(seen.get(code) ?? 0, code).toBeGreaterThan(0);
  }
}, 120_000);
