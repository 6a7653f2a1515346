/**
 * The policies every org unit starts with (DESIGN §3), as DSL text so they are stored,
 * versioned, shown and tested like any other policy. The hard invariants (kill switch,
 * payout ceilings, self-approval, ...) are TypeScript in the governor, not here.
 */
export type PolicySource = Readonly<{ name: string; source: string }>;

export const builtinPolicies: readonly PolicySource[] = Object.freeze([
  {
    name: 'payout_requires_reconciliation',
    source: `# Money leaves only against books that balance and a payee that was risk-scored.
policy payout_requires_reconciliation
  on payouts.*
  deny when not context.reconciled
  because "payouts need a reconciled ledger for the period they draw on"
  deny when not context.riskChecked
  because "payouts need a completed risk check"
`,
  },
  {
    name: 'margin_floor',
    source: `# projected.marginPercent is a fraction: 0.15 is 15%.
policy margin_floor
  on pricing.set_price
  deny when projected.marginPercent < 0.15
  because "margin would fall below the 15% floor"
`,
  },
  {
    name: 'margin_floor_chance',
    source: `# A chance constraint on the twin's forecast: a price may leave the mean margin above
# the floor and still make falling below it likely; at most a 5% chance is accepted.
policy margin_floor_chance
  on pricing.set_price
  deny when risk.pMarginBelowFloor > 0.05
  because "the twin gives margin more than a 5% chance of falling below the floor"
`,
  },
  {
    name: 'cash_runway',
    source: `# Money-moving tools must carry the twin's runway forecast; without it they fail closed.
policy cash_runway
  on payouts.*, ads.set_budget
  deny when projected.cashRunwayDays < 30
  because "cash runway would fall below 30 days"
`,
  },
  {
    name: 'large_refund_approval',
    source: `# Amounts are integer minor units: 50000 is $500.00.
policy large_refund_approval
  on refunds.issue
  require_approval when action.input.amountMinor >= 50000
  because "refunds of $500 or more need a person's approval"
`,
  },
].map((policy) => Object.freeze(policy)));
