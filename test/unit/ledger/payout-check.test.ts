import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableForPayout, commissionEarned, formatMinor, payoutBlockers, payoutRiskScore, type PayoutCheck } from '../../../engine/ledger/index.js';

const funds = { collectedNetMinor: 100_000, reservesMinor: 10_000, openDisputesMinor: 5_000 };
const check = (overrides: Partial<PayoutCheck> = {}): PayoutCheck => ({ reconciliation: 'reconciled', riskScore: 0.1, amountMinor: 85_000, currency: 'USD', funds, ...overrides });

describe('payout checks', () => {
  it('lets a reconciled, low-risk payout up to collected net minus reserves and open disputes through', () => {
    expect(availableForPayout(funds)).toBe(85_000);
    expect(payoutBlockers(check())).toEqual([]);
  });

  it('names every reason a payout is blocked, with money as a person reads it', () => {
    expect(payoutBlockers(check({ reconciliation: 'mismatched', riskScore: 0.8, amountMinor: 85_001 }))).toEqual([
      'the payout period is not reconciled (its reconciliation is mismatched)',
      'the risk score 0.80 is above the limit 0.50',
      'the payout of 850.01 USD exceeds collected net minus reserves and open disputes (850.00 USD)',
    ]);
    expect(payoutBlockers(check({ reconciliation: 'missing' }))).toEqual(['no processor statement has been reconciled for the payout period']);
    expect(formatMinor(-5, 'EUR')).toBe('-0.05 EUR');
  });

  it('scores risk from flagged orders and from the share of the claim no sales back', () => {
    expect(payoutRiskScore({ orders: 100, flaggedOrders: 0, earnedMinor: 12_000, amountMinor: 12_000 })).toBe(0);
    expect(payoutRiskScore({ orders: 100, flaggedOrders: 10, earnedMinor: 12_000, amountMinor: 12_000 })).toBeCloseTo(0.3);
    expect(payoutRiskScore({ orders: 0, flaggedOrders: 0, earnedMinor: 0, amountMinor: 5_000 })).toBe(1);
    expect(commissionEarned(49_990, 1_200)).toBe(5_998);
    // Whole minor units, exactly, even past float precision.
    expect(commissionEarned(2 ** 52, 1)).toBe(Number((2n ** 52n) / 10_000n));
  });

  it('never passes a payout for an unreconciled period or above the available funds', () => {
    const minor = fc.integer({ min: -1_000_000, max: 1_000_000 });
    fc.assert(
      fc.property(fc.constantFrom('reconciled', 'mismatched', 'open', 'missing' as const), fc.double({ min: 0, max: 1, noNaN: true }), minor, minor, minor, minor, (reconciliation, riskScore, amountMinor, collectedNetMinor, reservesMinor, openDisputesMinor) => {
        const passes = payoutBlockers({ reconciliation, riskScore, amountMinor, currency: 'USD', funds: { collectedNetMinor, reservesMinor, openDisputesMinor } }).length === 0;
        if (passes) {
          expect(reconciliation).toBe('reconciled');
          expect(amountMinor).toBeLessThanOrEqual(collectedNetMinor - reservesMinor - openDisputesMinor);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
