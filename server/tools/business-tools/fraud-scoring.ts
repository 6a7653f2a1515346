import { z } from 'zod';
import { eventOccurredAt, findFraudModel, findScoredOrder, recordScoredOrder, skuInCatalog } from '../../../db/queries/fraud.js';
import { insertIncident } from '../../../db/queries/incidents.js';
import { fraudSignalNames, fraudSignals, priorFraudModel, scoreOrder } from '../../../engine/fraud/index.js';
import { eventPayloads } from '../../contracts/events.js';
import { checkOpenInput } from '../../governance/incident-service.js';
import { defineTool, type ToolReadContext } from '../tool-implementation.js';
import { businessToolDefaults, nowOf, refuse, uuidField } from './tool-defaults.js';

/**
 * Fraud detection's scoring tools (wf_fraud_detection): score an order as it is placed, and
 * open the incident that says why one was blocked. Low risk: they record and report; the
 * block itself is `orders.block`.
 */

/** The order.placed payload as the shop posted it, and the stored event (whose time is when the order was placed). */
const scoreInput = eventPayloads['order.placed'].extend({ eventId: uuidField });

const scoreOutput = z.object({
  orderId: uuidField,
  externalId: z.string(),
  score: z.number().min(0).max(1),
  threshold: z.number(),
  block: z.boolean(),
  drivers: z.array(z.enum(fraudSignalNames)),
  modelVersion: z.number().int(),
});

export const currentFraudModel = async (context: ToolReadContext) => (await findFraudModel(context.db, { orgUnitId: context.orgUnitId })) ?? priorFraudModel;

export const scoreOrderTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'fraud.score_order',
    description: "Records a placed order and scores it with the org unit's fraud model; says whether the score is above the blocking threshold.",
    input: scoreInput,
    output: scoreOutput,
    effect: 'write',
    risk: 'low',
  },
  async precondition(context, input) {
    if ((await eventOccurredAt(context.db, { orgUnitId: context.orgUnitId, id: input.eventId })) === null) return `event ${input.eventId} does not exist in this org unit`;
    const known = await skuInCatalog(context.db, { orgUnitId: context.orgUnitId, sku: input.sku });
    return known ? undefined : `sku ${input.sku} is not in this org unit's catalog`;
  },
  async execute(context, input) {
    const placedAt = await eventOccurredAt(context.db, { orgUnitId: context.orgUnitId, id: input.eventId });
    if (placedAt === null) throw refuse(`event ${input.eventId} does not exist in this org unit`);
    const model = await currentFraudModel(context);
    const scored = scoreOrder(model, fraudSignals(input.features ?? {}));
    const row = await recordScoredOrder(context.db, {
      orgUnitId: context.orgUnitId,
      externalId: input.orderId,
      sku: input.sku,
      creatorHandle: input.creatorHandle ?? null,
      customerRef: input.customerRef,
      quantity: input.quantity,
      currency: input.currency,
      unitPriceMinor: input.unitPriceMinor,
      features: input.features ?? {},
      score: scored.score,
      modelVersion: model.version,
      placedAt,
    });
    if (row === null) throw refuse(`sku ${input.sku} is not in this org unit's catalog`);
    // An order recorded before keeps the score it was first given.
    const score = row.fraud_score ?? scored.score;
    return { orderId: row.id, externalId: row.external_id, score, threshold: model.threshold, block: score >= model.threshold, drivers: [...scored.drivers], modelVersion: model.version };
  },
});

const signalWords: Record<(typeof fraudSignalNames)[number], string> = {
  newAccount: 'a new account',
  accountAgeLog: 'the account age',
  velocity: 'other orders from the customer in the last day',
  countryMismatch: 'a card from another country',
  smallHours: 'placed in the small hours',
  firstOrder: 'no earlier orders',
  cardPayment: 'paid by card',
};

const reportInput = z
  .object({
    orderId: uuidField,
    score: z.number().min(0).max(1),
    threshold: z.number().min(0).max(1),
    drivers: z.array(z.enum(fraudSignalNames)).max(fraudSignalNames.length),
    modelVersion: z.number().int().min(1),
  })
  .strict();

export const reportBlockedOrderTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'fraud.report_blocked_order',
    description: 'Opens an incident for an order blocked as likely fraud, saying why.',
    input: reportInput,
    output: z.object({ incidentId: uuidField }),
    effect: 'write',
    risk: 'low',
  },
  async precondition(context, input) {
    const order = await findScoredOrder(context.db, { orgUnitId: context.orgUnitId, id: input.orderId });
    return order === null ? `order ${input.orderId} does not exist in this org unit` : undefined;
  },
  async execute(context, input) {
    const order = await findScoredOrder(context.db, { orgUnitId: context.orgUnitId, id: input.orderId });
    if (order === null) throw refuse(`order ${input.orderId} does not exist in this org unit`);
    const why = input.drivers.map((driver) => signalWords[driver]).join(', ') || 'its features together';
    const incident = checkOpenInput({
      orgUnitId: context.orgUnitId,
      severity: 'medium',
      source: 'workflow',
      title: `Order ${order.external_id} blocked as likely fraud`,
      description: `Fraud score ${input.score.toFixed(3)} is at or above the threshold ${input.threshold.toFixed(3)} (model version ${input.modelVersion}), driven by ${why}. The order is held; release it if it is genuine, and the model learns from the release.`,
    });
    const row = await insertIncident(context.db, { ...incident, linksJson: JSON.stringify([{ kind: 'order', id: order.id }]), at: nowOf(context.clock) });
    return { incidentId: row.id };
  },
});
