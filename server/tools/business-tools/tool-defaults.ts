import { z } from 'zod';
import type { Role } from '../../../engine/kernel/index.js';
import type { RetryPolicy } from '../../../engine/tools/tool.js';
import { AppError } from '../../errors/catalog.js';

// None of these is a read, so viewers are left out.
const allowedRoles: readonly (Role | 'system')[] = Object.freeze(['founder', 'operator', 'agent', 'system']);

/**
 * What every business tool shares. They write only our database, inside the router's
 * transaction, so one idempotency key is one committed change ('transactional').
 */
export const businessToolDefaults = {
  allowedRoles,
  timeoutMs: 5_000,
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 } satisfies RetryPolicy,
  idempotency: 'transactional',
  // No provider fees: the only thing these tools touch is our own database.
  cost: () => 0,
  costCurrency: 'USD',
} as const;

export const uuidField = z.string().uuid();
export const minorUnits = z.number().int().safe();
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'currency must be three capital letters, e.g. USD');
export const isoTimestamp = z.string().datetime({ offset: true });

/** Live state changed between the precondition and the write: refuse with the same reason. */
export function refuse(problem: string): AppError {
  return new AppError('CONFLICT', problem);
}

export const nowOf = (clock: { now(): number }): Date => new Date(clock.now());
