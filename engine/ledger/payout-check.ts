/**
 * Whether a creator payout may go ahead (DESIGN §3 payout invariants, wf_creator_payout):
 * the period it draws on is reconciled, the payee passed a risk check, and the amount is
 * within collected net minus reserves and open disputes. Every reason it may not is named,
 * so the incident a blocked payout opens says why. Money is integer minor units throughout.
 */
export type PeriodReconciliation = 'reconciled' | 'mismatched' | 'open' | 'missing';

export type PayoutFunds = Readonly<{
  /** Posted balance of platform cash: what was collected, net of refunds, chargebacks and earlier payouts. */
  collectedNetMinor: number;
  /** Cash set aside: posted reserves and pending holds on them other than dispute reserves. */
  reservesMinor: number;
  /** Amounts of disputes still open (their reserve holds are counted here, not in reserves). */
  openDisputesMinor: number;
}>;

export type PayoutRiskInputs = Readonly<{
  /** The payee's orders in the period, and how many of them were blocked as fraud or charged back. */
  orders: number;
  flaggedOrders: number;
  /** What the payee's orders in the period earned at their commission rate. */
  earnedMinor: number;
  amountMinor: number;
}>;

export type PayoutCheck = Readonly<{
  reconciliation: PeriodReconciliation;
  riskScore: number;
  amountMinor: number;
  currency: string;
  funds: PayoutFunds;
}>;

/** Above this the payout waits for a person: a creator whose sales look fraudulent, or a claim well above what was earned. */
export const payoutRiskLimit = 0.5;

export function availableForPayout(funds: PayoutFunds): number {
  return funds.collectedNetMinor - funds.reservesMinor - funds.openDisputesMinor;
}

/** What the payee's orders earned: sales × commission, rounded down, in integers only. */
export function commissionEarned(salesMinor: number, commissionBps: number): number {
  return Number((BigInt(salesMinor) * BigInt(commissionBps)) / 10_000n);
}

/**
 * 0..1: the larger of the payee's flagged-order share (tripled: a few percent of fraud is
 * already alarming) and the share of the amount not backed by recorded earnings.
 */
export function payoutRiskScore(inputs: PayoutRiskInputs): number {
  const flagged = inputs.orders === 0 ? 0 : (3 * inputs.flaggedOrders) / inputs.orders;
  const unbacked = inputs.amountMinor <= 0 ? 0 : Math.max(0, inputs.amountMinor - inputs.earnedMinor) / inputs.amountMinor;
  return Math.min(1, Math.max(flagged, unbacked));
}

export function formatMinor(amountMinor: number, currency: string): string {
  const sign = amountMinor < 0 ? '-' : '';
  const digits = Math.abs(amountMinor).toString().padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)} ${currency}`;
}

/** Every reason the payout may not be posted; empty when it may. */
export function payoutBlockers(check: PayoutCheck): string[] {
  const reasons: string[] = [];
  if (check.reconciliation !== 'reconciled') {
    reasons.push(
      check.reconciliation === 'missing'
        ? 'no processor statement has been reconciled for the payout period'
        : `the payout period is not reconciled (its reconciliation is ${check.reconciliation})`,
    );
  }
  if (check.riskScore > payoutRiskLimit) reasons.push(`the risk score ${check.riskScore.toFixed(2)} is above the limit ${payoutRiskLimit.toFixed(2)}`);
  const available = availableForPayout(check.funds);
  if (check.amountMinor > available) {
    reasons.push(
      `the payout of ${formatMinor(check.amountMinor, check.currency)} exceeds collected net minus reserves and open disputes (${formatMinor(available, check.currency)})`,
    );
  }
  return reasons;
}
