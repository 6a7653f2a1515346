import { z } from 'zod';
import { roles } from '../../engine/kernel/roles.js';

export const roleSchema = z.enum(roles);

export const orgUnitDto = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  createdAt: z.string(),
  counts: z.object({ products: z.number().int(), creators: z.number().int(), principals: z.number().int() }),
  streamSeq: z.number().int(),
});
export type OrgUnitDto = z.infer<typeof orgUnitDto>;

export const meDto = z.object({
  principal: z.object({ id: z.string(), name: z.string(), kind: z.enum(['user', 'agent']), role: roleSchema }),
  orgUnitId: z.string(),
});
export type MeDto = z.infer<typeof meDto>;

export const createTokenBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    role: roleSchema,
    label: z.string().trim().min(1).max(200).optional(),
    expiresInDays: z.number().int('must be a whole number').min(1).max(3650).optional(),
  })
  .strict();
export type CreateTokenBody = z.infer<typeof createTokenBody>;

/** The token itself is shown in this answer only; the server keeps nothing but its hash. */
export const issuedTokenDto = z.object({
  id: z.string(),
  token: z.string(),
  principal: z.object({ id: z.string(), name: z.string(), role: roleSchema }),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type IssuedTokenDto = z.infer<typeof issuedTokenDto>;

export const tokenListingDto = z.object({
  id: z.string(),
  label: z.string(),
  principal: z.object({ id: z.string(), name: z.string(), role: roleSchema }),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenListingDto = z.infer<typeof tokenListingDto>;
