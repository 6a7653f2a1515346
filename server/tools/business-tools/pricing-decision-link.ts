import type { CommonQueryMethods } from 'slonik';
import { findActionByKey } from '../../../db/queries/actions.js';
import { findDecision, markDecisionExecuted, type DecisionRow } from '../../../db/queries/decisions.js';
import type { ToolExecutionContext } from '../tool-implementation.js';
import { refuse } from './tool-defaults.js';

/**
 * A price set to carry out a logged pricing decision (`decisionId`): the price must be the
 * one the decision proposed, the governor reads the twin's forecast of it (`projected.*`,
 * `risk.*`) as facts, and the decision becomes `executed` in the same transaction as the
 * price, linked to the action.
 */
type PriceInput = Readonly<{ productId: string; priceMinor: number; decisionId?: string }>;

type ProposedCall = { tool?: unknown; input?: { productId?: unknown; priceMinor?: unknown } };

async function decisionOf(db: CommonQueryMethods, orgUnitId: string, decisionId: string): Promise<DecisionRow | null> {
  return findDecision(db, { orgUnitId, id: decisionId });
}

function mismatch(decision: DecisionRow | null, input: PriceInput & { decisionId: string }): string | undefined {
  if (decision === null) return `decision ${input.decisionId} does not exist in this org unit`;
  if (decision.decision_type !== 'pricing') return `decision ${input.decisionId} is a ${decision.decision_type} decision, not a pricing one`;
  if (decision.status !== 'proposed') return `decision ${input.decisionId} is ${decision.status}; only a proposed decision can be carried out`;
  const call = (decision.context.proposedCall ?? {}) as ProposedCall;
  if (call.tool !== 'pricing.set_price' || call.input?.productId !== input.productId || call.input.priceMinor !== input.priceMinor) {
    return `decision ${input.decisionId} proposed ${JSON.stringify(call.input ?? null)}, not product ${input.productId} at ${input.priceMinor}`;
  }
  return undefined;
}

export async function decisionProblem(db: CommonQueryMethods, orgUnitId: string, input: PriceInput): Promise<string | undefined> {
  if (input.decisionId === undefined) return undefined;
  return mismatch(await decisionOf(db, orgUnitId, input.decisionId), { ...input, decisionId: input.decisionId });
}

/** The decision's forecast where policies read it; nothing when the price is set by hand. */
export async function decisionFacts(db: CommonQueryMethods, orgUnitId: string, input: PriceInput): Promise<Readonly<Record<string, unknown>>> {
  if (input.decisionId === undefined) return {};
  const decision = await decisionOf(db, orgUnitId, input.decisionId);
  const forecast = (decision?.context.forecast ?? {}) as { projected?: unknown; risk?: unknown };
  return { decisionId: input.decisionId, ...(forecast.projected ? { projected: forecast.projected } : {}), ...(forecast.risk ? { risk: forecast.risk } : {}) };
}

export async function markDecisionCarriedOut(context: ToolExecutionContext, input: PriceInput): Promise<void> {
  if (input.decisionId === undefined) return;
  const { orgUnitId } = context;
  // The router inserted the action row in this transaction before running the tool.
  const action = await findActionByKey(context.db, { orgUnitId, idempotencyKey: context.idempotencyKey });
  const marked = await markDecisionExecuted(context.db, { orgUnitId, id: input.decisionId, actionId: action?.id ?? null });
  if (marked === null) throw refuse(mismatch(await decisionOf(context.db, orgUnitId, input.decisionId), { ...input, decisionId: input.decisionId }) ?? `decision ${input.decisionId} could not be marked executed`);
}
