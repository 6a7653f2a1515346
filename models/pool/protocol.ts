import { z } from 'zod';
import { kernelOutputNames, modelNames, type DemandFitInput, type FraudFitInput, type KernelOutputName, type KernelRequest } from '../../engine/twin/index.js';
import { backendNames } from '../backend-names.js';

/**
 * The request/reply protocol between the server and the model workers. Every message is
 * checked on arrival (the worker checks requests, the pool checks replies); every reply is
 * `ok` with its result or carries a typed error rebuilt by name on the other side.
 */
const f64 = z.custom<Float64Array>((value) => value instanceof Float64Array, 'must be a Float64Array');
const f32 = z.custom<Float32Array>((value) => value instanceof Float32Array, 'must be a Float32Array');
const u8 = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be a Uint8Array');
const count = z.number().int().min(0);
const dayRange = z.tuple([count, count]).refine(([min, max]) => min <= max, 'must be [min, max]');

const kernelRequestSchema = z
  .object({
    products: z.object({
      keys: z.custom<Uint32Array>((value) => value instanceof Uint32Array),
      category: z.custom<Int32Array>((value) => value instanceof Int32Array),
      categoryKeys: z.custom<Uint32Array>((value) => value instanceof Uint32Array),
      baseDemand: f64,
      refPriceMinor: f64,
      elasticity: f64,
      unitCostMinor: f64,
      stock: f64,
      leadTimeDays: f64,
      refundRate: f64,
    }),
    scenarios: z.array(z.object({ priceMinor: f64, adSpendMinor: f64, streamTable: count, payoutDays: u8, extraOutflowMinor: f64, scope: u8 })).min(1),
    streamTables: z.array(z.object({ lift: f32, commissionRate: f32, streamDays: u8 })).min(1),
    constants: z.object({
      days: z.number().int().min(1).max(366),
      season: f64,
      adMax: z.number(),
      adHalfMinor: z.number().positive(),
      dispersion: z.number().positive(),
      unitsPerOrder: z.number().positive(),
      turnoutSigma: z.number().min(0),
      competitor: z.object({ rate: z.number(), depthMin: z.number(), depthMax: z.number(), daysMin: count, daysMax: count }),
      fraudRate: z.number(),
      chargebackShare: z.number(),
      chargebackDelayDays: dayRange,
      settlementDays: count,
      refundDelayDays: dayRange,
      processorFeeBps: z.number().min(0),
      processorFeeFixedMinor: z.number().min(0),
      chargebackFeeMinor: z.number().min(0),
      fixedDailyCostMinor: z.number(),
      safetyDays: z.number(),
      coverDays: z.number(),
      minOrderUnits: z.number().min(0),
      leadTimeJitterDays: count,
      cashMinor: z.number(),
      runwayCapDays: z.number().positive(),
    }),
    seeds: z.object(Object.fromEntries(modelNames.map((name) => [name, z.number().int().min(0)])) as Record<(typeof modelNames)[number], z.ZodNumber>),
    sampleStart: count,
    sampleCount: z.number().int().min(1),
  })
  .superRefine((request, context) => {
    const n = request.products.keys.length;
    const days = request.constants.days;
    const problem = (message: string, path: (string | number)[]) => context.addIssue({ code: 'custom', message, path });
    for (const [name, array] of Object.entries(request.products)) {
      if (name !== 'categoryKeys' && array.length !== n) problem(`has ${array.length} entries for ${n} products`, ['products', name]);
    }
    if (request.constants.season.length !== days) problem(`has ${request.constants.season.length} days, not ${days}`, ['constants', 'season']);
    request.scenarios.forEach((scenario, i) => {
      if (scenario.priceMinor.length !== n || scenario.scope.length !== n) problem('needs one price and scope flag per product', ['scenarios', i]);
      if (scenario.adSpendMinor.length !== days || scenario.payoutDays.length !== days || scenario.extraOutflowMinor.length !== days) {
        problem('needs one ad spend, payout flag and extra outflow per day', ['scenarios', i]);
      }
      if (scenario.streamTable >= request.streamTables.length) problem('names a stream table that is not there', ['scenarios', i, 'streamTable']);
    });
    request.streamTables.forEach((table, i) => {
      if (table.lift.length !== days * n || table.commissionRate.length !== days * n || table.streamDays.length !== days) {
        problem('needs days × products entries', ['streamTables', i]);
      }
    });
  });

const i32 = z.custom<Int32Array>((value) => value instanceof Int32Array, 'must be an Int32Array');
const positiveCount = z.number().int().min(1);

const demandFitInputSchema = z
  .object({
    products: positiveCount,
    days: positiveCount,
    categories: positiveCount,
    categoryOf: i32,
    weekday: i32,
    units: f32,
    logPrice: f32,
    reach: f32,
    dispersion: z.number().positive(),
    priorElasticity: z.number(),
    elasticitySpread: z.number().positive(),
    steps: positiveCount,
  })
  .superRefine((input, context) => {
    const cells = input.products * input.days;
    if (input.units.length !== cells || input.logPrice.length !== cells) context.addIssue({ code: 'custom', message: 'needs products × days units and prices', path: ['units'] });
    if (input.reach.length !== input.categories * input.days) context.addIssue({ code: 'custom', message: 'needs categories × days reach', path: ['reach'] });
    if (input.categoryOf.length !== input.products || input.categoryOf.some((c) => c < 0 || c >= input.categories)) context.addIssue({ code: 'custom', message: 'needs a category index per product', path: ['categoryOf'] });
    if (input.weekday.length !== input.days || input.weekday.some((w) => w < 0 || w > 6)) context.addIssue({ code: 'custom', message: 'needs a weekday (0–6) per day', path: ['weekday'] });
  });

const fraudFitInputSchema = z
  .object({ features: f32, labels: u8, count: positiveCount, width: positiveCount, steps: positiveCount })
  .refine((input) => input.features.length === input.count * input.width && input.labels.length === input.count, { message: 'needs count × width features and count labels', path: ['features'] });

export const workerRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run'), id: count, request: kernelRequestSchema }),
  z.object({ kind: z.literal('probe'), id: count }),
  z.object({ kind: z.literal('fit-demand'), id: count, input: demandFitInputSchema }),
  z.object({ kind: z.literal('fit-fraud'), id: count, input: fraudFitInputSchema }),
]);
export type WorkerRequest =
  | { kind: 'run'; id: number; request: KernelRequest }
  | { kind: 'probe'; id: number }
  | { kind: 'fit-demand'; id: number; input: DemandFitInput }
  | { kind: 'fit-fraud'; id: number; input: FraudFitInput };

const backendSchema = z.enum(backendNames);

/** What a worker reports about itself: the backend and what it holds (for the memory tests and /metrics). */
export const workerProbeSchema = z.object({
  backend: backendSchema,
  tensors: count,
  tensorBytes: count,
  heapUsedBytes: count,
  noiseCacheBytes: count,
});
export type WorkerProbe = z.infer<typeof workerProbeSchema>;

export const workerErrorNames = ['ProtocolError', 'ModelError'] as const;
export type WorkerErrorName = (typeof workerErrorNames)[number];

export const workerReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    id: count,
    result: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('run'),
        backend: backendSchema,
        outputs: z.object(Object.fromEntries(kernelOutputNames.map((name) => [name, f64])) as Record<KernelOutputName, typeof f64>),
      }),
      z.object({ kind: z.literal('probe'), probe: workerProbeSchema }),
      z.object({
        kind: z.literal('fit-demand'),
        fit: z.object({ logBase: f64, elasticity: f64, categoryElasticity: f64, logSeason: z.array(z.number()).length(7), liftPerReach: z.number(), loss: z.number() }),
      }),
      z.object({ kind: z.literal('fit-fraud'), fit: z.object({ intercept: z.number(), weights: f64, loss: z.number() }) }),
    ]),
  }),
  z.object({ ok: z.literal(false), id: count, error: z.object({ name: z.enum(workerErrorNames), message: z.string() }) }),
]);
export type WorkerReply = z.infer<typeof workerReplySchema>;

/** A request the worker refused as malformed; a bug on the sending side. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** The models failed on a well-formed request. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

/** A model worker exited (crashed, ran out of memory, was killed): every request pending at that moment fails with this. */
export class WorkerExitedError extends Error {
  override readonly name = 'WorkerExitedError';
}

/** The pool was closed while the request waited. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
}

export function rebuildWorkerError(error: { name: WorkerErrorName; message: string }): Error {
  return error.name === 'ProtocolError' ? new ProtocolError(error.message) : new ModelError(error.message);
}
