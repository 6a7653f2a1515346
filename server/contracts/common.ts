import { z } from 'zod';

/** Shapes shared by many endpoints. Browser-safe: no server imports here. */
export const orgUnitIdSchema = z
  .string()
  .min(2)
  .max(63)
  .regex(/^[a-z][a-z0-9_]+$/, 'must be lowercase letters, digits and _ (e.g. lsn_main)');

export const uuidSchema = z.string().uuid('must be a UUID');

export const pageLimitSchema = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(200, 'must be at most 200')
  .default(50);

export const orgParamsSchema = z.object({ orgUnitId: orgUnitIdSchema }).strict();

export const pageOf = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
