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

/** A candidate decision policy: an algorithm run in shadow beside the live one, then promoted or not. */
export const startShadowPolicyInput = z
  .object({
    orgUnitId: orgUnitIdSchema,
    decisionType: decisionTypeSchema,
    algorithm: algorithmSchema,
    name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters').optional(),
  })
  .strict();
export type StartShadowPolicyInput = z.infer<typeof startShadowPolicyInput>;

export const policyReportInput = z.object({ orgUnitId: orgUnitIdSchema, decisionType: decisionTypeSchema, candidate: algorithmSchema }).strict();
export const promotePolicyInput = z.object({ orgUnitId: orgUnitIdSchema, experimentId: uuidSchema }).strict();
export const listPoliciesInput = z.object({ orgUnitId: orgUnitIdSchema, decisionType: decisionTypeSchema.optional() }).strict();

const policyEstimateDto = z.object({ estimate: z.number(), lower: z.number(), upper: z.number(), standardError: z.number(), n: z.number() });

/**
 * Off-policy evaluation of a candidate from the logged decisions: the candidate learns on the
 * older half and is estimated on the newer half (IPS, SNIPS, cross-fitted doubly robust,
 * 95 % intervals); `logged` is what the logging policies earned there.
 */
export const policyReportDto = z.object({
  decisionType: decisionTypeSchema,
  candidate: algorithmSchema,
  trainedOn: z.number(),
  ips: policyEstimateDto,
  snips: policyEstimateDto,
  doublyRobust: policyEstimateDto,
  logged: policyEstimateDto,
  effectiveSampleSize: z.number(),
  /** The doubly robust lower bound beats the logged value. */
  beatsLive: z.boolean(),
});
export type PolicyReportDto = z.infer<typeof policyReportDto>;

export const decisionPolicyDto = z.object({
  id: z.string(),
  decisionType: decisionTypeSchema,
  name: z.string(),
  algorithm: algorithmSchema,
  status: z.enum(['shadow', 'promoted', 'rejected', 'stopped']),
  report: z.record(z.unknown()).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type DecisionPolicyDto = z.infer<typeof decisionPolicyDto>;
