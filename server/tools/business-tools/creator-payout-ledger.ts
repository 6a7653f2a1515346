import { z } from 'zod';
import { findPayout, latestCashSnapshot, setPayoutStatus, type CreatorPayoutRow } from '../../../db/queries/creator-payouts.js';
import { payoutRiskLimit } from '../../../engine/ledger/index.js';
import { AppError } from '../../errors/catalog.js';
import { ledgerToolDefaults } from '../ledger-tools.js';
import { defineTool, type ToolReadContext } from '../tool-implementation.js';
import { payeeAccount, payoutFacts, payoutHoldKey } from './creator-payout-checks.js';
import { nowOf, refuse, uuidField } from './tool-defaults.js';

/**
 * The creator payout's money steps, each a ledger transfer keyed by the payout so a retry
 * after a crash moves nothing twice ('keyed'): hold (earmark the cash, and book what the
 * creator is owed), post (pay the creator: `payouts.*`, so the payout invariants and
 * policies judge it on facts read here, never on the caller's word), release (free the
 * earmark once the payout is posted or has failed).
 */

// The ledger tools' defaults: people and the runtime may call them, and the ledger deduplicates on their keys.
const ledgerStepDefaults = ledgerToolDefaults;

const accrualKey = (payoutId: string) => `payout:${payoutId}:accrual`;
const paymentKey = (payoutId: string) => `payout:${payoutId}`;
const payoutReserve = 'reserve:payouts';
const commissionExpense = 'expense:creator_commissions';
/** How long an earmark lasts if the run never comes back to post or release it. */
const holdDays = 7;

async function payoutOf(context: ToolReadContext, payoutId: string): Promise<CreatorPayoutRow> {
  const payout = await findPayout(context.db, { orgUnitId: context.orgUnitId, id: payoutId });
  if (payout === null) throw refuse(`payout ${payoutId} does not exist in this org unit`);
  return payout;
}

const payoutIdInput = z.object({ payoutId: uuidField }).strict();

export const holdPayoutTool = defineTool({
  spec: {
    ...ledgerStepDefaults,
    name: 'creator_payouts.hold',
    description: "Books the creator's commission as owed and earmarks the payout's cash with a hold until it is posted.",
    input: payoutIdInput,
    output: z.object({ payoutId: uuidField, holdKey: z.string(), holdExpiresAt: z.string().nullable() }),
    effect: 'money_moving',
    risk: 'medium',
  },
  async precondition(context, input) {
    const payout = await findPayout(context.db, { orgUnitId: context.orgUnitId, id: input.payoutId });
    if (payout === null) return `payout ${input.payoutId} does not exist in this org unit`;
    return payout.status === 'due' || payout.status === 'held' ? undefined : `payout ${input.payoutId} is ${payout.status}; only a due payout is held`;
  },
  async execute(context, input) {
    const payout = await payoutOf(context, input.payoutId);
    const { orgUnitId } = context;
    const amount = payout.amount_minor;
    const currency = payout.currency;
    await context.services.ledger.transfer({
      orgUnitId,
      transferKey: accrualKey(payout.id),
      legs: [
        { account: commissionExpense, currency, amountMinor: amount },
        { account: payeeAccount(payout.creator_id), currency, amountMinor: -amount },
      ],
      description: `commission owed to ${payout.handle} for ${payout.period_start} to ${payout.period_end}`,
    });
    const hold = await context.services.ledger.transfer({
      orgUnitId,
      transferKey: payoutHoldKey(payout.id),
      legs: [
        { account: payoutReserve, currency, amountMinor: amount },
        { account: 'platform:cash', currency, amountMinor: -amount },
      ],
      description: `cash earmarked for the payout to ${payout.handle}`,
      hold: { expiresAt: new Date(context.clock.now() + holdDays * 86_400_000) },
    });
    await setPayoutStatus(context.db, { orgUnitId, id: payout.id, status: 'held', at: nowOf(context.clock) });
    return { payoutId: payout.id, holdKey: hold.transferKey, holdExpiresAt: hold.holdExpiresAt };
  },
});

const postInput = z.object({ payoutId: uuidField, amountMinor: z.number().int().positive(), currency: z.string().regex(/^[A-Z]{3}$/) }).strict();

export const postCreatorPayoutTool = defineTool({
  spec: {
    ...ledgerStepDefaults,
    name: 'payouts.post_creator_payout',
    description: "Pays a held creator payout: the creator's payable is settled from platform cash.",
    input: postInput,
    output: z.object({ payoutId: uuidField, transferKey: z.string(), transferId: z.string(), status: z.string() }),
    effect: 'money_moving',
    risk: 'critical',
  },
  async precondition(context, input) {
    const payout = await findPayout(context.db, { orgUnitId: context.orgUnitId, id: input.payoutId });
    if (payout === null) return `payout ${input.payoutId} does not exist in this org unit`;
    if (payout.status !== 'held' && payout.status !== 'posted') return `payout ${input.payoutId} is ${payout.status}; only a held payout is posted`;
    if (payout.amount_minor !== input.amountMinor || payout.currency !== input.currency) return `payout ${input.payoutId} is for ${payout.amount_minor} ${payout.currency}, not ${input.amountMinor} ${input.currency}`;
    return undefined;
  },
  /** The facts the payout invariants and policies judge, read from the books now. */
  async facts(context, input) {
    const payout = await findPayout(context.db, { orgUnitId: context.orgUnitId, id: input.payoutId });
    if (payout === null) return {};
    const facts = await payoutFacts(context.db, context.orgUnitId, payout);
    const cash = await latestCashSnapshot(context.db, context.orgUnitId);
    // Runway after the payout, at the snapshot's burn rate; without a snapshot it is left out and the runway policy fails closed.
    const projected = cash && cash.cashMinor > 0 ? { cashRunwayDays: (cash.runwayDays * (cash.cashMinor - input.amountMinor)) / cash.cashMinor } : undefined;
    return {
      reconciled: facts.reconciliation.status === 'reconciled',
      riskChecked: payout.assessed_at !== null && facts.riskScore <= payoutRiskLimit,
      riskScore: facts.riskScore,
      ...facts.funds,
      ...(projected ? { projected } : {}),
    };
  },
  async execute(context, input) {
    const payout = await payoutOf(context, input.payoutId);
    const transfer = await context.services.ledger.transfer({
      orgUnitId: context.orgUnitId,
      transferKey: paymentKey(payout.id),
      legs: [
        { account: payeeAccount(payout.creator_id), currency: payout.currency, amountMinor: payout.amount_minor },
        { account: 'platform:cash', currency: payout.currency, amountMinor: -payout.amount_minor },
      ],
      description: `payout to ${payout.handle} for ${payout.period_start} to ${payout.period_end}`,
    });
    await setPayoutStatus(context.db, { orgUnitId: context.orgUnitId, id: payout.id, status: 'posted', transferId: transfer.id, at: nowOf(context.clock) });
    return { payoutId: payout.id, transferKey: transfer.transferKey, transferId: transfer.id, status: transfer.status };
  },
});

export const releasePayoutHoldTool = defineTool({
  spec: {
    ...ledgerStepDefaults,
    name: 'creator_payouts.release_hold',
    description: "Frees a payout's earmarked cash, once the payout is posted or has been stopped.",
    input: payoutIdInput,
    output: z.object({ payoutId: uuidField, holdKey: z.string(), status: z.string() }),
    effect: 'write',
    risk: 'low',
  },
  async execute(context, input) {
    const payout = await payoutOf(context, input.payoutId);
    const hold = await context.services.ledger.getTransfer(context.orgUnitId, payoutHoldKey(payout.id)).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    });
    // Nothing was earmarked (the hold step failed first), or it lapsed already: nothing to free.
    if (hold === null || hold.status !== 'pending') return { payoutId: payout.id, holdKey: payoutHoldKey(payout.id), status: hold?.status ?? 'none' };
    const voided = await context.services.ledger.void(context.orgUnitId, payoutHoldKey(payout.id));
    return { payoutId: payout.id, holdKey: voided.transferKey, status: voided.status };
  },
});
