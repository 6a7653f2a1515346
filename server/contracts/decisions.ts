import { z } from 'zod';
import { orgUnitIdSchema, pageLimitSchema, uuidSchema } from './common.js';

/**
 * Decisions over the API. Browser-safe. In a decision's context `marginPercent` is a
 * fraction (0.25 is 25 %) and revenue is in major units (it only shapes features); an
 * outcome's `value` is a decimal string in major units, its tool cost in minor units.
 */
export const decisionTypeSchema = z.enum(['ad_spend', 'pricing', 'creator_allocation', 'stream_schedule', 'payout_frequency']);
export const algorithmSchema = z.enum(['epsilon_greedy', 'linucb', 'thompson']);
export const decisionStatusSchema = z.enum(['proposed', 'executed', 'awaiting_approval', 'denied', 'shadow', 'frozen', 'failed']);

const finite = (message: string) => z.number({ message: 'must be a number' }).finite(message);

export const decisionContextSchema = z
  .object({
    revenue: finite('must be a finite number').min(0, 'must not be negative').optional(),
    orders: z.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative').optional(),
    marginPercent: finite('must be a finite number').min(-10, 'must be a fraction, at least -10').max(1, 'must be a fraction (0.25 is 25%), at most 1').optional(),
    runwayDays: finite('must be a finite number').min(0, 'must not be negative').optional(),
    priceIndex: finite('must be a finite number').positive('must be positive').optional(),
    adSpendShare: finite('must be a finite number').min(0).max(1, 'must be a fraction').optional(),
  })
  .strict();

export const makeDecisionInput = z
  .object({
    orgUnitId: orgUnitIdSchema,
    decisionType: decisionTypeSchema,
    context: decisionContextSchema,
    /** The live algorithm unless a candidate is named (thompson by default). */
    algorithm: algorithmSchema.optional(),
    /** Decide and log without acting: a candidate policy runs in shadow. */
    shadow: z.boolean().optional(),
    /** What the decision changes when it is carried out by a tool: a product to reprice, an ad channel. */
    target: z.object({ productId: uuidSchema.optional(), channel: z.enum(['meta', 'tiktok', 'google', 'youtube']).optional() }).strict().optional(),
  })
  .strict();
export type MakeDecisionInput = z.infer<typeof makeDecisionInput>;

export const recordOutcomeInput = z
  .object({
    orgUnitId: orgUnitIdSchema,
    decisionId: uuidSchema,
    value: z.string().regex(/^-?\d{1,18}(\.\d{1,6})?$/, 'must be a decimal string such as "1250.50"'),
    toolCostMinor: z.number().int('must be whole minor units').min(0, 'must not be negative').default(0),
    note: z.string().max(2000).optional(),
  })
  .strict();
export type RecordOutcomeInput = z.infer<typeof recordOutcomeInput>;

export const listDecisionsInput = z
  .object({
    orgUnitId: orgUnitIdSchema,
    decisionType: decisionTypeSchema.optional(),
    status: decisionStatusSchema.optional(),
    before: z.string().datetime({ offset: true, message: 'must be an ISO 8601 time' }).optional(),
    limit: pageLimitSchema,
  })
  .strict();

export const decisionDto = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  decisionType: decisionTypeSchema,
  selectedOption: z.string(),
  option: z.object({ label: z.string(), change: z.record(z.union([z.number(), z.string()])) }).nullable(),
  predictedImpact: z.record(z.unknown()).nullable(),
  propensity: z.number(),
  algorithm: algorithmSchema,
  policyVersion: z.string(),
  status: decisionStatusSchema,
  shadow: z.boolean(),
  verdict: z.object({ id: z.string().nullable(), outcome: z.string().nullable() }).nullable(),
  actionId: z.string().nullable(),
  simulationId: z.string().nullable(),
  frozenBy: z.string().optional(),
  outcome: z.record(z.unknown()).nullable(),
  reward: z.number().nullable(),
  createdAt: z.string(),
  outcomeAt: z.string().nullable(),
});
export type DecisionDto = z.infer<typeof decisionDto>;
