import { z } from 'zod';
import {
  creatorPeriodOrders,
  ensurePayout,
  findCreatorByHandle,
  findPayout,
  payoutFunds,
  periodReconciliation,
  recordAssessment,
  setPayoutStatus,
  type CreatorPayoutRow,
} from '../../../db/queries/creator-payouts.js';
import { insertIncident } from '../../../db/queries/incidents.js';
import { availableForPayout, commissionEarned, formatMinor, payoutBlockers, payoutRiskLimit, payoutRiskScore, type PayoutFunds } from '../../../engine/ledger/index.js';
import { eventPayloads } from '../../contracts/events.js';
import { checkOpenInput } from '../../governance/incident-service.js';
import type { CommonQueryMethods } from 'slonik';
import { defineTool } from '../tool-implementation.js';
import { businessToolDefaults, nowOf, refuse, uuidField } from './tool-defaults.js';

/**
 * The creator payout's checks (wf_creator_payout): assess a due payout (the period's
 * reconciliation, the payee's risk score, the funds it may draw on) and, when it may not
 * go ahead, block it with an incident that says why. Named `creator_payouts.*`, not
 * `payouts.*`: they move no money, so the payout invariants judge the posting step only.
 */

/** The hold that earmarks a payout's cash while it waits to be posted. */
export const payoutHoldKey = (payoutId: string) => `payout:${payoutId}:hold`;
/** By creator id: handles may hold dots, which account paths do not. */
export const payeeAccount = (creatorId: string) => `creator:${creatorId}:payable`;

/** What the payout checks read now: the period's reconciliation, the funds, and the risk score. */
export async function payoutFacts(db: CommonQueryMethods, orgUnitId: string, payout: CreatorPayoutRow) {
  const reconciliation = await periodReconciliation(db, { orgUnitId, periodStart: payout.period_start, periodEnd: payout.period_end });
  const funds: PayoutFunds = await payoutFunds(db, { orgUnitId, currency: payout.currency, excludeHold: payoutHoldKey(payout.id) });
  const orders = await creatorPeriodOrders(db, { orgUnitId, creatorId: payout.creator_id, periodStart: payout.period_start, periodEnd: payout.period_end, currency: payout.currency });
  const riskScore = payoutRiskScore({
    orders: orders.orders,
    flaggedOrders: orders.flagged,
    earnedMinor: commissionEarned(orders.salesMinor, payout.commission_bps),
    amountMinor: payout.amount_minor,
  });
  return { reconciliation, funds, riskScore };
}

const assessOutput = z.object({
  payoutId: uuidField,
  payee: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  reconciliation: z.enum(['reconciled', 'mismatched', 'open', 'missing']),
  riskScore: z.number().min(0).max(1),
  riskLimit: z.number(),
  collectedNetMinor: z.number().int(),
  reservesMinor: z.number().int(),
  openDisputesMinor: z.number().int(),
  availableMinor: z.number().int(),
  blockers: z.array(z.string()),
});

export const assessPayoutTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'creator_payouts.assess',
    description: "Records a due creator payout and checks it: the period's reconciliation, the payee's risk score, and collected net minus reserves and open disputes.",
    input: eventPayloads['payout.due'],
    output: assessOutput,
    effect: 'write',
    risk: 'low',
  },
  async precondition(context, input) {
    const creator = await findCreatorByHandle(context.db, { orgUnitId: context.orgUnitId, handle: input.creatorHandle });
    return creator === null ? `creator ${input.creatorHandle} does not exist in this org unit` : undefined;
  },
  async execute(context, input) {
    const { db, orgUnitId } = context;
    const creator = await findCreatorByHandle(db, { orgUnitId, handle: input.creatorHandle });
    if (creator === null) throw refuse(`creator ${input.creatorHandle} does not exist in this org unit`);
    const payout = await ensurePayout(db, { orgUnitId, creatorId: creator.id, ...input });
    const facts = await payoutFacts(db, orgUnitId, payout);
    const blockers = payoutBlockers({ reconciliation: facts.reconciliation.status, riskScore: facts.riskScore, amountMinor: payout.amount_minor, currency: payout.currency, funds: facts.funds });
    if (payout.status === 'posted') blockers.unshift('this period was already paid out to the creator');
    else if (payout.amount_minor !== input.amountMinor || payout.currency !== input.currency) {
      blockers.unshift(`this period was first due as ${formatMinor(payout.amount_minor, payout.currency)}, not ${formatMinor(input.amountMinor, input.currency)}`);
    }
    if (payout.status !== 'posted') {
      await recordAssessment(db, { orgUnitId, id: payout.id, riskScore: facts.riskScore, reconciliationId: facts.reconciliation.id, blockedReason: blockers.length > 0 ? blockers.join('; ') : null, at: nowOf(context.clock) });
    }
    return {
      payoutId: payout.id,
      payee: payeeAccount(payout.creator_id),
      amountMinor: payout.amount_minor,
      currency: payout.currency,
      reconciliation: facts.reconciliation.status,
      riskScore: facts.riskScore,
      riskLimit: payoutRiskLimit,
      ...facts.funds,
      availableMinor: availableForPayout(facts.funds),
      blockers,
    };
  },
});

export const reportBlockedPayoutTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'creator_payouts.report_blocked',
    description: 'Marks a creator payout blocked and opens an incident naming every reason.',
    input: z.object({ payoutId: uuidField, reasons: z.array(z.string().trim().min(1).max(1000)).min(1).max(20) }).strict(),
    output: z.object({ payoutId: uuidField, incidentId: uuidField }),
    effect: 'write',
    risk: 'low',
  },
  async precondition(context, input) {
    return (await findPayout(context.db, { orgUnitId: context.orgUnitId, id: input.payoutId })) === null ? `payout ${input.payoutId} does not exist in this org unit` : undefined;
  },
  async execute(context, input) {
    const { db, orgUnitId } = context;
    const payout = await findPayout(db, { orgUnitId, id: input.payoutId });
    if (payout === null) throw refuse(`payout ${input.payoutId} does not exist in this org unit`);
    const at = nowOf(context.clock);
    await setPayoutStatus(db, { orgUnitId, id: payout.id, status: 'blocked', blockedReason: input.reasons.join('; '), at });
    const incident = checkOpenInput({
      orgUnitId,
      severity: 'high',
      source: 'workflow',
      title: `Payout of ${formatMinor(payout.amount_minor, payout.currency)} to ${payout.handle} for ${payout.period_start} to ${payout.period_end} blocked`,
      description: `The payout was not posted because ${input.reasons.join('; and ')}.`,
    });
    const row = await insertIncident(db, { ...incident, linksJson: JSON.stringify([{ kind: 'payout', id: payout.id }]), at });
    return { payoutId: payout.id, incidentId: row.id };
  },
});
