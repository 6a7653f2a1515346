import { z } from 'zod';
import type { RetryPolicy } from '../../engine/tools/index.js';
import { defineTool, type ToolImplementation } from './tool-implementation.js';

/**
 * The ledger's operations as tools (docs/ledger.md, docs/tools.md). All are `keyed`: the
 * ledger deduplicates on transfer keys (and disputes on their order), so a retry after a
 * crash finds the first result instead of moving money twice. A key the caller does not
 * give is derived from the call's idempotency key, so one call is always one transfer.
 *
 * Paying a payable out of cash is a payout: it goes through `payouts.post`, whose name the
 * payout invariants and the built-in `payouts.*` policies (reconciliation, risk check, cash
 * runway) match on. `ledger.transfer` refuses such legs, so no payout slips past them.
 */

/** What every ledger tool shares: people and the runtime may call it, and the ledger deduplicates on its keys. */
export const ledgerToolDefaults = {
  allowedRoles: ['founder', 'operator', 'system'],
  timeoutMs: 10_000,
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2000 } satisfies RetryPolicy,
  idempotency: 'keyed',
  cost: () => 0,
} as const;
const keyFrom = (given: string | undefined, idempotencyKey: string) => given ?? `tool:${idempotencyKey}`.slice(0, 200);

const transferKey = z.string().min(1).max(200);
const minor = z.number().int().safe();
const currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code');
const account = z.string().min(3).max(200);
const leg = z.object({ account, currency, amountMinor: minor.refine((n) => n !== 0, 'a leg is never zero') }).strict();
const isoInstant = z.string().datetime({ offset: true });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

const transferOutput = z
  .object({
    id: z.string(),
    transferKey: z.string(),
    kind: z.enum(['transfer', 'hold', 'reversal']),
    status: z.enum(['pending', 'posted', 'voided', 'expired']),
    legs: z.array(z.object({ account: z.string(), currency: z.string(), amountMinor: minor }).readonly()).readonly(),
    reversesId: z.string().nullable(),
    holdExpiresAt: z.string().nullable(),
  })
  .passthrough();
const disputeOutput = z
  .object({ id: z.string(), orderId: z.string(), amountMinor: minor, currency: z.string(), status: z.enum(['open', 'won', 'lost']) })
  .passthrough();
const reconciliationOutput = z
  .object({ id: z.string(), status: z.enum(['open', 'mismatched', 'reconciled']), matched: z.number().int(), missing: z.number().int(), mismatched: z.number().int() })
  .passthrough();

const isPayable = (path: string) => path.endsWith(':payable');
const cashAccount = 'platform:cash';

export const transferInput = z
  .object({
    transferKey: transferKey.optional(),
    legs: z.array(leg).min(2).max(64),
    description: z.string().max(1000).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    /** A pending transfer (a hold) that expires at this instant unless posted or voided first. */
    holdUntil: isoInstant.optional(),
  })
  .strict()
  .superRefine((input, context) => {
    const paysPayable = input.legs.some((l) => isPayable(l.account) && l.amountMinor > 0);
    const fromCash = input.legs.some((l) => l.account === cashAccount && l.amountMinor < 0);
    if (paysPayable && fromCash) {
      context.addIssue({ code: 'custom', path: ['legs'], message: 'paying a payable out of platform:cash is a payout: use payouts.post, which the payout policies judge' });
    }
  });

export const ledgerTransfer = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.transfer',
    description: 'Posts a balanced double-entry transfer (or a hold, with holdUntil); not for payouts.',
    input: transferInput,
    output: transferOutput,
    effect: 'money_moving',
    risk: 'high',
  },
  async execute(context, input) {
    return context.services.ledger.transfer({
      orgUnitId: context.orgUnitId,
      transferKey: keyFrom(input.transferKey, context.idempotencyKey),
      legs: input.legs,
      description: input.description,
      metadata: input.metadata,
      hold: input.holdUntil === undefined ? undefined : { expiresAt: new Date(input.holdUntil) },
    });
  },
  simulate: (_context, input) => Promise.resolve({ legs: input.legs, hold: input.holdUntil ?? null, description: 'the legs would be posted as one transfer' }),
});

const payoutInput = z
  .object({
    transferKey: transferKey.optional(),
    /** The payee's payable account, e.g. creator:42:payable. */
    payee: account.refine(isPayable, 'must be a payable account (…:payable)'),
    amountMinor: minor.positive(),
    currency,
    description: z.string().max(1000).optional(),
  })
  .strict();

/**
 * A payout: the payee's payable is settled from platform cash. Named `payouts.post` so the
 * payout invariants (reconciled ledger, risk check, within collected net minus reserves and
 * open disputes) and the `payouts.*` policies judge it; the caller passes those facts in
 * `context` (reconciled, riskChecked, collectedNetMinor, reservesMinor, openDisputesMinor,
 * projected.cashRunwayDays), and without them the governor refuses.
 */
export const payoutPost = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'payouts.post',
    description: "Pays a payee's payable balance out of platform cash.",
    input: payoutInput,
    output: transferOutput,
    effect: 'money_moving',
    risk: 'critical',
  },
  async facts(context, input) {
    const owed = await context.services.ledger.balances(context.orgUnitId);
    const payee = owed.find((b) => b.account === input.payee && b.currency === input.currency);
    // A payable is credit-negative: what the payee is owed is minus its posted balance.
    return { payeeOwedMinor: payee ? -payee.postedMinor : 0 };
  },
  async execute(context, input) {
    return context.services.ledger.transfer({
      orgUnitId: context.orgUnitId,
      transferKey: keyFrom(input.transferKey, context.idempotencyKey),
      legs: [
        { account: input.payee, currency: input.currency, amountMinor: input.amountMinor },
        { account: cashAccount, currency: input.currency, amountMinor: -input.amountMinor },
      ],
      description: input.description ?? `payout to ${input.payee}`,
    });
  },
});

const holdInput = z.object({ holdKey: transferKey }).strict();

export const ledgerPostHold = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.post_hold',
    description: 'Posts a pending hold: from then on it counts in posted balances.',
    input: holdInput,
    output: transferOutput,
    effect: 'money_moving',
    risk: 'medium',
  },
  execute: (context, input) => context.services.ledger.post(context.orgUnitId, input.holdKey),
});

export const ledgerVoidHold = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.void_hold',
    description: 'Voids a pending hold: it stops counting and the reserved funds are free again.',
    input: holdInput,
    output: transferOutput,
    effect: 'write',
    risk: 'medium',
  },
  execute: (context, input) => context.services.ledger.void(context.orgUnitId, input.holdKey),
});

export const ledgerReverse = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.reverse',
    description: "Posts a reversal of a posted transfer (its legs negated); a transfer is reversed at most once.",
    input: z.object({ transferKey, reversalKey: transferKey.optional(), description: z.string().max(1000).optional() }).strict(),
    output: transferOutput,
    effect: 'money_moving',
    risk: 'high',
  },
  execute: (context, input) =>
    context.services.ledger.reverse(context.orgUnitId, input.transferKey, keyFrom(input.reversalKey, context.idempotencyKey), input.description),
});

export const ledgerOpenDispute = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.open_dispute',
    description: "Opens an order's dispute and reserves its amount with a hold (one dispute per order).",
    input: z
      .object({ orderId: z.string().uuid(), amountMinor: minor.positive(), currency, reason: z.string().max(1000).optional(), reserveUntil: isoInstant.optional() })
      .strict(),
    output: disputeOutput,
    effect: 'write',
    risk: 'medium',
  },
  execute: (context, input) =>
    context.services.ledger.openDispute(context.orgUnitId, {
      orderId: input.orderId,
      amountMinor: input.amountMinor,
      currency: input.currency,
      reason: input.reason,
      reserveUntil: input.reserveUntil === undefined ? undefined : new Date(input.reserveUntil),
    }),
});

export const ledgerResolveDispute = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.resolve_dispute',
    description: 'Resolves a dispute: won voids its reserve hold; lost posts it and pays the chargeback from the reserve.',
    input: z.object({ disputeId: z.string().uuid(), outcome: z.enum(['won', 'lost']) }).strict(),
    output: disputeOutput,
    effect: 'money_moving',
    risk: 'high',
  },
  execute: (context, input) => context.services.ledger.resolveDispute(context.orgUnitId, input.disputeId, input.outcome),
});

export const ledgerImportStatement = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.import_statement',
    description: "Imports a processor statement for a period and reconciles it with the ledger's clearing account.",
    input: z
      .object({
        periodStart: isoDate,
        periodEnd: isoDate,
        format: z.enum(['csv', 'json']),
        text: z.string().min(1).max(20_000_000),
        source: z.string().min(1).max(200).optional(),
        clearingAccount: account.optional(),
      })
      .strict(),
    output: reconciliationOutput,
    effect: 'write',
    risk: 'medium',
    timeoutMs: 60_000,
  },
  // Keyed by (source, period): importing again replaces the period's result until it is reconciled.
  execute: (context, input) => context.services.ledger.importStatement(context.orgUnitId, { ...input, by: context.actor.id }),
});

export const ledgerMarkReconciled = defineTool({
  spec: {
    ...ledgerToolDefaults,
    name: 'ledger.mark_reconciled',
    description: "Accepts a mismatched period as reconciled (a person's judgement): payouts drawing on it may then go ahead.",
    input: z.object({ reconciliationId: z.string().uuid() }).strict(),
    output: reconciliationOutput,
    effect: 'write',
    risk: 'high',
    allowedRoles: ['founder', 'operator'],
  },
  execute: (context, input) => context.services.ledger.markReconciled(context.orgUnitId, input.reconciliationId, context.actor.id),
});

export const ledgerTools: readonly ToolImplementation[] = [
  ledgerTransfer,
  payoutPost,
  ledgerPostHold,
  ledgerVoidHold,
  ledgerReverse,
  ledgerOpenDispute,
  ledgerResolveDispute,
  ledgerImportStatement,
  ledgerMarkReconciled,
];
