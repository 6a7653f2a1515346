import { z } from 'zod';
import { orgUnitIdSchema, pageLimitSchema } from './common.js';

/**
 * Goals over the API. Browser-safe. A target is a decimal string (money never travels as a
 * float) in the metric's unit: major currency units for revenue, a count for orders. The
 * deadline is a date (tRPC with superjson) or an ISO 8601 time (REST).
 */
export const goalTypeSchema = z.enum(['okr', 'kpi', 'milestone', 'guardrail']);

/** What a goal is measured on, each over the trailing 30 days: revenue net of refunds and chargebacks, or orders placed. */
export const goalMetrics = ['revenue', 'orders'] as const;
export const goalMetricSchema = z.enum(goalMetrics);

const decimal = z.string().regex(/^\d{1,18}(\.\d{1,6})?$/, 'must be a positive decimal string such as "100000"');

export const createGoalInput = z
  .object({
    orgUnitId: orgUnitIdSchema,
    title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
    type: goalTypeSchema,
    metric: goalMetricSchema.default('revenue'),
    targetValue: decimal.refine((value) => Number(value) > 0, 'must be greater than 0'),
    deadline: z
      .union([z.date(), z.string().datetime({ offset: true, message: 'must be an ISO 8601 time' })])
      .transform((value) => new Date(value))
      .refine((value) => !Number.isNaN(value.getTime()), 'must be a valid date')
      .optional(),
  })
  .strict();
export type CreateGoalInput = z.infer<typeof createGoalInput>;

export const listGoalsInput = z.object({ orgUnitId: orgUnitIdSchema, limit: pageLimitSchema }).strict();

export const goalStatusSchema = z.enum(['active', 'achieved', 'missed', 'cancelled']);

export const goalDto = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  title: z.string(),
  type: goalTypeSchema,
  metric: goalMetricSchema,
  targetValue: z.string(),
  deadline: z.string().nullable(),
  status: goalStatusSchema,
  progress: z.object({
    /** The metric now, in the target's unit, as a decimal string. */
    currentValue: z.string(),
    /** currentValue / targetValue, capped at 1. */
    fraction: z.number(),
    measuredAt: z.string(),
  }),
  createdAt: z.string(),
});
export type GoalDto = z.infer<typeof goalDto>;
