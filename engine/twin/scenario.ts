import { z } from 'zod';

/**
 * A what-if: changes to the shop, over `duration` days. Changes are in percent (15 is
 * +15 %), applied to the shop as it is now; a product's own price change replaces the
 * global one for that product. The schema names the field at fault in every refusal.
 */
export const payoutFrequencies = ['daily', 'weekly', 'biweekly', 'monthly'] as const;
export type PayoutFrequency = (typeof payoutFrequencies)[number];
export const payoutFrequencyDays: Readonly<Record<PayoutFrequency, number>> = { daily: 1, weekly: 7, biweekly: 14, monthly: 30 };

export const maxDurationDays = 365;

const percent = (what: string) => z.number({ invalid_type_error: 'must be a number (percent)' }).finite('must be a finite number').max(1000, `${what} must be at most +1000 %`);
/** A price can rise without bound in principle, but not fall to zero or below. */
const priceChange = percent('a price change').gt(-100, 'must be above -100 (a price cannot fall to zero or below)');
const uuid = z.string().uuid('must be a UUID');
const category = z.string().trim().min(1, 'must not be empty').max(100);

const productChange = z
  .object({
    productId: uuid.optional(),
    sku: z.string().min(1).max(64).optional(),
    priceChange,
  })
  .strict()
  .refine((change) => (change.productId === undefined) !== (change.sku === undefined), {
    message: 'name the product by exactly one of productId or sku',
    path: ['productId'],
  });

const streamAddition = z
  .object({
    creatorId: uuid,
    /** Day of the simulation (0 is the first). */
    day: z.number().int('must be a whole day').min(0, 'must be 0 or later').max(maxDurationDays - 1),
    productIds: z.array(uuid).max(500).optional(),
    categories: z.array(category).max(50).optional(),
  })
  .strict()
  .refine((stream) => (stream.productIds?.length ?? 0) + (stream.categories?.length ?? 0) > 0, {
    message: 'a stream must feature some productIds or categories',
    path: ['categories'],
  });

export const scenarioChangesSchema = z
  .object({
    priceChange: priceChange.optional(),
    adSpendChange: percent('an ad spend change').min(-100, 'must be -100 (no ads) or above').optional(),
    products: z.array(productChange).max(10_000).optional(),
    creatorReassignments: z.array(z.object({ streamId: uuid, creatorId: uuid }).strict()).max(1_000).optional(),
    streams: z
      .object({
        add: z.array(streamAddition).max(1_000).optional(),
        cancel: z.array(uuid).max(1_000).optional(),
      })
      .strict()
      .optional(),
    payoutFrequency: z.enum(payoutFrequencies, { errorMap: () => ({ message: `must be one of ${payoutFrequencies.join(', ')}` }) }).optional(),
  })
  .strict();
export type ScenarioChanges = z.infer<typeof scenarioChangesSchema>;

export const durationSchema = z
  .number({ invalid_type_error: 'must be a number of days' })
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(maxDurationDays, `must be at most ${maxDurationDays} days`);

export const scenarioSchema = z
  .object({
    changes: scenarioChangesSchema.default({}),
    duration: durationSchema,
    description: z.string().max(500, 'must be at most 500 characters').default(''),
  })
  .strict();
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** The scenario that changes nothing: the shop as it is, over `duration` days. */
export const unchanged = (duration: number): Scenario => ({ changes: {}, duration, description: 'no change' });
