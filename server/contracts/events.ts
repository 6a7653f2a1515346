import { z } from 'zod';

/**
 * Business events a shop posts to `POST /api/events` (the simulated shop posts the same).
 * Money is integer minor units beside an ISO 4217 currency; rates are fractions; times are
 * ISO 8601 with an offset. Browser-safe.
 */
const minor = z.number({ message: 'must be a number' }).int('must be whole minor units (cents)');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');
const ref = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const handle = z.string().regex(/^[a-z0-9_.]{2,40}$/, 'must be a creator handle');
const sku = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a SKU');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-30');
const feature = z.union([z.number(), z.string().max(200), z.boolean()]);

export const eventPayloads = {
  'order.placed': z
    .object({
      orderId: ref,
      sku,
      quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000),
      unitPriceMinor: minor.min(0, 'must not be negative'),
      currency,
      customerRef: ref,
      creatorHandle: handle.optional(),
      streamId: ref.optional(),
      features: z.record(feature).refine((f) => Object.keys(f).length <= 50, 'must have at most 50 features').optional(),
    })
    .strict(),
  'order.refunded': z.object({ orderId: ref, amountMinor: minor.min(1, 'must be positive'), currency, reason: z.string().max(500).optional() }).strict(),
  'chargeback.received': z.object({ orderId: ref, amountMinor: minor.min(1, 'must be positive'), currency, reason: z.string().max(500).optional() }).strict(),
  'stream.started': z.object({ streamId: ref, creatorHandle: handle, title: z.string().max(300).optional() }).strict(),
  'stream.ended': z.object({ streamId: ref, creatorHandle: handle, peakViewers: z.number().int().min(0).optional() }).strict(),
  'payout.due': z
    .object({ creatorHandle: handle, periodStart: day, periodEnd: day, amountMinor: minor.min(0, 'must not be negative'), currency })
    .strict()
    .refine((p) => p.periodEnd >= p.periodStart, { message: 'must not be before periodStart', path: ['periodEnd'] }),
  'content.requested': z.object({ sku, channel: z.enum(['stream_script', 'product_page', 'social_post']), brief: z.string().max(2000).optional() }).strict(),
  'metrics.snapshot': z
    .object({
      revenueMinor: minor,
      orders: z.number().int().min(0),
      marginPercent: z.number().min(-10).max(1).describe('a fraction: 0.25 is 25%'),
      cashMinor: minor,
      runwayDays: z.number().min(0).optional(),
    })
    .strict(),
} as const;

export const businessEventTypes = Object.keys(eventPayloads) as (keyof typeof eventPayloads)[];
export type BusinessEventType = keyof typeof eventPayloads;

export const ingestEventInput = z
  .object({
    type: z.enum(businessEventTypes as [BusinessEventType, ...BusinessEventType[]]),
    idempotencyKey: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    occurredAt: z.string().datetime({ offset: true, message: 'must be an ISO 8601 time with an offset' }),
    payload: z.record(z.unknown()),
  })
  .strict()
  .superRefine((event, context) => {
    const parsed = eventPayloads[event.type].safeParse(event.payload);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) context.addIssue({ ...issue, path: ['payload', ...issue.path] });
  });
export type IngestEventInput = z.infer<typeof ingestEventInput>;

export const ingestedEventDto = z.object({
  id: z.string().uuid(),
  type: z.string(),
  idempotencyKey: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  /** True when this key was seen before: the first event is returned and nothing is stored again. */
  duplicate: z.boolean(),
  /** Workflow runs the event started (none for a duplicate). */
  runs: z.array(z.object({ runId: z.string().uuid(), workflowId: z.string() })),
});
export type IngestedEventDto = z.infer<typeof ingestedEventDto>;

/** At most this many events per batch: a day of a busy shop in a handful of requests, each well under the body limit. */
export const maxEventBatch = 500;

export const ingestEventBatchInput = z
  .object({
    events: z.array(ingestEventInput).min(1, 'must hold at least one event').max(maxEventBatch, `must hold at most ${maxEventBatch} events`),
  })
  .strict()
  .superRefine((batch, context) => {
    const seen = new Map<string, number>();
    batch.events.forEach((event, index) => {
      const earlier = seen.get(event.idempotencyKey);
      if (earlier !== undefined) {
        context.addIssue({ code: 'custom', path: ['events', index, 'idempotencyKey'], message: `repeats the key of events[${earlier}]` });
      } else seen.set(event.idempotencyKey, index);
    });
  });
export type IngestEventBatchInput = z.infer<typeof ingestEventBatchInput>;

export const ingestedEventBatchDto = z.object({
  /** Events stored now. */
  stored: z.number().int(),
  /** Events whose key was known: nothing was stored again for them. */
  duplicates: z.number().int(),
  /** One answer per event, in the order posted. */
  events: z.array(ingestedEventDto),
});
export type IngestedEventBatchDto = z.infer<typeof ingestedEventBatchDto>;
