import { z } from 'zod';
import {
  accountKinds,
  accountPathProblem,
  balanceRules,
  disputeStatuses,
  maxLegs,
  reconciliationStatuses,
  statementFormats,
  transferKinds,
  transferStatuses,
} from '../../engine/ledger/index.js';
import { toolModes } from '../../engine/tools/tool.js';

/**
 * The ledger on the wire (docs/ledger.md). Money is an integer of minor units (cents)
 * beside its ISO 4217 currency, never a float; a balance is debit positive, credit
 * negative. Times are ISO 8601 strings. Browser-safe.
 */
const time = z.string();

export const minorUnitsSchema = z
  .number({ invalid_type_error: 'must be a number of minor units (cents)' })
  .int('must be a whole number of minor units (cents), not a fraction')
  .safe('is too large');
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as USD');
export const accountPathSchema = z.string().superRefine((path, context) => {
  const problem = accountPathProblem(path);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});
export const transferKeySchema = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const idempotencyKeySchema = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const instantSchema = z.string().datetime({ offset: true, message: 'must be an ISO 8601 instant such as 2026-11-25T10:00:00Z' });
export const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-11-30');
export const reconciliationIdSchema = z.string().uuid('must be a UUID');
export const disputeIdSchema = z.string().uuid('must be a UUID');

/** How a write runs: `dry_run` and `simulate` change nothing (docs/tools.md). */
export const toolModeSchema = z.enum(toolModes, { errorMap: () => ({ message: `must be one of ${toolModes.join(', ')}` }) });

export const legSchema = z
  .object({
    account: accountPathSchema,
    currency: currencySchema,
    amountMinor: minorUnitsSchema.refine((n) => n !== 0, 'must not be zero: a leg moves money'),
  })
  .strict();

/** 2 to 64 legs that sum to zero per currency; an unbalanced currency names its legs. */
export const legsSchema = z
  .array(legSchema)
  .min(2, 'a transfer needs at least two legs')
  .max(maxLegs, `a transfer has at most ${maxLegs} legs`)
  .superRefine((legs, context) => {
    const byCurrency = new Map<string, { sum: bigint; indexes: number[] }>();
    legs.forEach((leg, index) => {
      if (!Number.isSafeInteger(leg.amountMinor)) return;
      const entry = byCurrency.get(leg.currency) ?? { sum: 0n, indexes: [] };
      entry.sum += BigInt(leg.amountMinor);
      entry.indexes.push(index);
      byCurrency.set(leg.currency, entry);
    });
    for (const [currency, { sum, indexes }] of byCurrency) {
      if (sum !== 0n) {
        const last = indexes[indexes.length - 1] ?? 0;
        context.addIssue({
          code: 'custom',
          path: [last, 'amountMinor'],
          message: `unbalanced: the ${currency} legs (${indexes.map((i) => `legs[${i}]`).join(', ')}) sum to ${sum}, not zero`,
        });
      }
    }
  });

/** Optional on every write: the caller's key (a retry with it answers the first outcome) and the mode. */
const writeControls = { idempotencyKey: idempotencyKeySchema.optional(), mode: toolModeSchema.optional() };

export const createTransferInput = {
  transferKey: transferKeySchema,
  legs: legsSchema,
  description: z.string().max(1000, 'must be at most 1000 characters').optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Makes the transfer a pending hold that expires at this instant unless posted or voided first. */
  holdUntil: instantSchema.optional(),
  ...writeControls,
};

export const holdActionInput = { holdKey: transferKeySchema, ...writeControls };

export const reverseTransferInput = {
  transferKey: transferKeySchema,
  reversalKey: transferKeySchema.optional(),
  description: z.string().max(1000, 'must be at most 1000 characters').optional(),
  ...writeControls,
};

export const importStatementInput = {
  periodStart: daySchema,
  periodEnd: daySchema,
  format: z.enum(statementFormats, { errorMap: () => ({ message: 'must be csv or json' }) }),
  /** The statement itself: CSV text, or JSON text (an array of lines or `{ lines }`). */
  text: z.string().min(1, 'must not be empty').max(200_000, 'must be at most 200000 characters; split the period'),
  source: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  clearingAccount: accountPathSchema.optional(),
  ...writeControls,
};

export const markReconciledInput = { reconciliationId: reconciliationIdSchema, ...writeControls };

export const openDisputeInput = {
  orderId: z.string().uuid('must be the UUID of an order'),
  amountMinor: minorUnitsSchema.positive('must be more than zero'),
  currency: currencySchema,
  reason: z.string().max(1000, 'must be at most 1000 characters').optional(),
  reserveUntil: instantSchema.optional(),
  ...writeControls,
};

export const resolveDisputeInput = {
  disputeId: disputeIdSchema,
  outcome: z.enum(['won', 'lost'], { errorMap: () => ({ message: 'must be won or lost' }) }),
  ...writeControls,
};

/**
 * What the caller knows about the payout that the governor's invariants and policies read
 * (docs/tools.md): without them a payout is refused, naming what is missing.
 */
export const payoutFactsSchema = z
  .object({
    reconciled: z.boolean().optional(),
    riskChecked: z.boolean().optional(),
    collectedNetMinor: minorUnitsSchema.optional(),
    reservesMinor: minorUnitsSchema.optional(),
    openDisputesMinor: minorUnitsSchema.optional(),
    projected: z.object({ cashRunwayDays: z.number({ invalid_type_error: 'must be a number of days' }).finite().optional() }).strict().optional(),
  })
  .strict();

export const postPayoutInput = {
  transferKey: transferKeySchema,
  payee: accountPathSchema.refine((path) => path.endsWith(':payable'), 'must be a payable account such as creator:42:payable'),
  amountMinor: minorUnitsSchema.positive('must be more than zero'),
  currency: currencySchema,
  description: z.string().max(1000, 'must be at most 1000 characters').optional(),
  context: payoutFactsSchema.optional(),
  ...writeControls,
};

export const balanceQueryInput = { asOf: instantSchema.optional() };
export const accountBalanceInput = { account: accountPathSchema, currency: currencySchema.optional(), asOf: instantSchema.optional() };

export const legDto = z.object({ account: z.string(), currency: z.string(), amountMinor: z.number().int() });

export const balanceDto = z.object({
  account: z.string(),
  currency: z.string(),
  kind: z.enum(accountKinds),
  balanceRule: z.enum(balanceRules),
  postedMinor: z.number().int().describe('debit positive, credit negative'),
  pendingDebitsMinor: z.number().int(),
  pendingCreditsMinor: z.number().int(),
});
export type BalanceDto = z.infer<typeof balanceDto>;

export const transferDto = z.object({
  id: z.string(),
  transferKey: z.string(),
  kind: z.enum(transferKinds),
  status: z.enum(transferStatuses),
  legs: z.array(legDto),
  description: z.string(),
  metadata: z.record(z.unknown()),
  holdExpiresAt: time.nullable(),
  effectiveAt: time,
  resolvedAt: time.nullable(),
  links: z.object({
    self: z.string().describe('this transfer on the API'),
    reverses: z.string().nullable().describe('the id of the transfer this one reverses'),
  }),
});
export type TransferDto = z.infer<typeof transferDto>;

export const trialBalanceDto = z.object({
  items: z.array(z.object({ currency: z.string(), debitsMinor: z.number().int(), creditsMinor: z.number().int(), netMinor: z.number().int() })),
  balanced: z.boolean().describe('every currency nets to zero'),
});

const lineDto = z.object({ line: z.number().int(), reference: z.string(), amountMinor: z.number().int(), currency: z.string() });
export const reconciliationLinesDto = z.object({
  matched: z.array(lineDto),
  missing: z.array(lineDto).describe('on the statement, not in the ledger'),
  mismatched: z
    .array(
      z.object({
        line: z.number().int(),
        reference: z.string(),
        statement: z.object({ amountMinor: z.number().int(), currency: z.string() }),
        ledger: z.object({ amountMinor: z.number().int(), currency: z.string() }),
      }),
    )
    .describe('in both, with a different amount or currency'),
  unexpected: z.array(z.object({ reference: z.string(), amountMinor: z.number().int(), currency: z.string() })).describe('in the ledger for the period, not on the statement'),
});

export const reconciliationDto = z.object({
  id: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  source: z.string(),
  clearingAccount: z.string().nullable(),
  status: z.enum(reconciliationStatuses),
  statementLines: z.number().int(),
  counts: z.object({ matched: z.number().int(), missing: z.number().int(), mismatched: z.number().int(), unexpected: z.number().int() }),
  lines: reconciliationLinesDto,
  reconciledAt: time.nullable(),
  reconciledBy: z.string().nullable(),
});
export type ReconciliationDto = z.infer<typeof reconciliationDto>;

export const disputeDto = z.object({
  id: z.string(),
  orderId: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  reason: z.string(),
  status: z.enum(disputeStatuses),
  holdTransferId: z.string().nullable(),
  openedAt: time,
  resolvedAt: time.nullable(),
});
export type DisputeDto = z.infer<typeof disputeDto>;

/**
 * How a ledger write ended, around its result. `succeeded` carries the result; `dry_run`
 * and `simulated` what would happen (`gate`) and changed nothing; `awaiting_approval` (HTTP
 * 202) waits for the approval `approvalId`. `duplicate` says the idempotency key had been
 * seen and this is the first call's outcome. Refusals and failures are problems, not this.
 */
export const writeOutcomeDto = <T extends z.ZodTypeAny>(result: T) =>
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('succeeded'), actionId: z.string(), verdictId: z.string().nullable(), duplicate: z.boolean(), result }),
    z.object({ status: z.enum(['dry_run', 'simulated']), actionId: z.string(), verdictId: z.string(), duplicate: z.boolean(), gate: z.string(), preview: z.unknown() }),
    z.object({ status: z.enum(['awaiting_approval', 'draft']), actionId: z.string(), verdictId: z.string(), duplicate: z.boolean(), approvalId: z.string().nullable() }),
  ]);
