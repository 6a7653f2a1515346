import { z } from 'zod';
import { pageLimitSchema } from './common.js';

/** Money is an integer of minor units (cents) beside its ISO 4217 currency. */
export const productDto = z.object({
  id: z.string().uuid(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  currency: z.string().length(3),
  priceMinor: z.number().int(),
  unitCostMinor: z.number().int(),
  stock: z.number().int(),
  leadTimeDays: z.number().int(),
  status: z.enum(['active', 'paused', 'retired']),
  updatedAt: z.string(),
});
export type ProductDto = z.infer<typeof productDto>;

export const creatorDto = z.object({
  id: z.string().uuid(),
  handle: z.string(),
  displayName: z.string(),
  audience: z.number().int(),
  conversionBps: z.number().int(),
  commissionBps: z.number().int(),
  status: z.enum(['active', 'paused', 'offboarded']),
});
export type CreatorDto = z.infer<typeof creatorDto>;

export const listProductsQuery = z
  .object({
    limit: pageLimitSchema,
    after: z.string().min(1).max(64).optional(),
    category: z.string().min(1).max(64).optional(),
  })
  .strict();

export const listCreatorsQuery = z
  .object({
    limit: pageLimitSchema,
    after: z.string().min(1).max(40).optional(),
  })
  .strict();
