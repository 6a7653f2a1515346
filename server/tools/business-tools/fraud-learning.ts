import { z } from 'zod';
import { clearQuietOrders, eventOccurredAt, findFraudModel, findOrderByExternalId, findScoredOrder, hasChargeback, labelOrder, recentGoodOrderFeatures, saveFraudModel } from '../../../db/queries/fraud.js';
import {
  clearingWindowDays,
  fraudSignals,
  learnRound,
  priorFraudModel,
  reviewBlockedOrder,
  reviewVerdicts,
  scoreOrder,
  thresholdSampleSize,
  type FraudOutcome,
  type FraudSignals,
} from '../../../engine/fraud/index.js';
import { defineTool, type ToolExecutionContext } from '../tool-implementation.js';
import { businessToolDefaults, nowOf, refuse, uuidField } from './tool-defaults.js';
import { currentFraudModel } from './fraud-scoring.js';

/**
 * Fraud detection's learning tools: a chargeback labels its order fraud and clears the
 * orders whose chargeback window passed quietly; a blocked order's review finds whether a
 * person released it (a false positive, learnt as good) or whether the model, having
 * learnt since, would now let it through. Each learns in the same transaction that labels,
 * with the model row locked, so concurrent runs learn one after another.
 */

const dayMs = 86_400_000;

/** Labels, learns the outcomes and sets the threshold on the recent good orders; returns the saved model. */
async function learn(context: ToolExecutionContext, outcomes: readonly FraudOutcome[]) {
  const { db, orgUnitId } = context;
  const model = (await findFraudModel(db, { orgUnitId, lock: true })) ?? priorFraudModel;
  const cleared = (await recentGoodOrderFeatures(db, { orgUnitId, limit: thresholdSampleSize })).map(fraudSignals);
  const learnt = learnRound(model, { outcomes, cleared });
  if (learnt !== model) await saveFraudModel(db, { orgUnitId, model: learnt, at: nowOf(context.clock) });
  return learnt;
}

const learnOutput = z.object({
  orderId: uuidField.nullable(),
  labelled: z.boolean(),
  cleared: z.number().int(),
  modelVersion: z.number().int(),
  threshold: z.number(),
});

export const learnChargebackTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'fraud.learn_chargeback',
    description: 'Labels a charged-back order as fraud, clears orders whose chargeback window passed, and updates the fraud model and threshold.',
    input: z.object({ orderId: z.string().trim().min(1).max(200), eventId: uuidField }).strict(),
    output: learnOutput,
    effect: 'write',
    risk: 'low',
  },
  async execute(context, input) {
    const { db, orgUnitId } = context;
    const at = nowOf(context.clock);
    const occurredAt = await eventOccurredAt(db, { orgUnitId, id: input.eventId });
    if (occurredAt === null) throw refuse(`event ${input.eventId} does not exist in this org unit`);
    const order = await findOrderByExternalId(db, { orgUnitId, externalId: input.orderId });
    const outcomes: FraudOutcome[] = [];
    // The window is measured in the shop's time (the chargeback's), so a replayed or accelerated shop clears alike.
    const cleared = await clearQuietOrders(db, { orgUnitId, placedBefore: new Date(occurredAt.getTime() - clearingWindowDays * dayMs), at });
    // A blocked order that cleared sets the threshold but teaches no weights: blocked fraud could not have charged back.
    for (const row of cleared) if (!row.was_blocked) outcomes.push({ signals: fraudSignals(row.features), fraud: false });
    let labelled = false;
    if (order !== null) {
      labelled = await labelOrder(db, { orgUnitId, orderId: order.id, label: 'fraud', source: 'chargeback', wasBlocked: order.status === 'blocked', at });
      if (labelled) outcomes.push({ signals: fraudSignals(order.features), fraud: true });
    }
    const model = await learn(context, outcomes);
    return { orderId: order?.id ?? null, labelled, cleared: cleared.length, modelVersion: model.version, threshold: model.threshold };
  },
});

export const reviewOrderTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'fraud.review_order',
    description: 'Reviews a blocked order after its review window: confirmed by a chargeback, released by a person (learnt as good), or re-scored.',
    input: z.object({ orderId: uuidField }).strict(),
    output: z.object({ orderId: uuidField, verdict: z.enum(reviewVerdicts), score: z.number(), threshold: z.number(), modelVersion: z.number().int() }),
    effect: 'write',
    risk: 'low',
  },
  async execute(context, input) {
    const { db, orgUnitId } = context;
    const order = await findScoredOrder(db, { orgUnitId, id: input.orderId });
    if (order === null) throw refuse(`order ${input.orderId} does not exist in this org unit`);
    const signals: FraudSignals = fraudSignals(order.features);
    const chargedBack = await hasChargeback(db, { orgUnitId, orderId: order.id });
    const before = await currentFraudModel(context);
    const verdict = reviewBlockedOrder({ status: order.status, chargedBack, blockedNow: scoreOrder(before, signals).block });
    let model = before;
    if (verdict === 'released_by_person') {
      const at = nowOf(context.clock);
      if (await labelOrder(db, { orgUnitId, orderId: order.id, label: 'good', source: 'release', wasBlocked: true, at })) {
        model = await learn(context, [{ signals, fraud: false }]);
      }
    }
    return { orderId: order.id, verdict, score: scoreOrder(model, signals).score, threshold: model.threshold, modelVersion: model.version };
  },
});
