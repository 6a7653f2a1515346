import { z } from 'zod';
import { modelNames } from '../../engine/twin/model-names.js';
import { payoutFrequencies, scenarioChangesSchema, scenarioSchema, durationSchema } from '../../engine/twin/scenario.js';
import { maxSeed } from '../../engine/twin/seeds.js';
import { pageLimitSchema } from './common.js';

/**
 * The digital twin on the wire. Scenario changes are percents (15 is +15 %); money is
 * integer minor units; margin and probabilities are fractions (0.25 is 25 %); times are
 * ISO 8601. Browser-safe.
 */
const time = z.string();

export { scenarioChangesSchema, scenarioSchema };

const seedSchema = z.number({ invalid_type_error: 'must be a whole number' }).int('must be a whole number').min(0).max(maxSeed);

/** How many samples and how closely: a fixed count turns early stopping off. */
export const samplingInput = {
  seed: seedSchema.optional().describe('random seed; the same seed over the same inputs gives the same numbers (default 1)'),
  samples: z.number().int('must be a whole number').min(16, 'must be at least 16').max(20_000, 'must be at most 20000').optional().describe('a fixed sample count (no early stopping)'),
  tolerance: z.number().min(0.001, 'must be at least 0.001').max(0.2, 'must be at most 0.2').optional().describe('stop once the 95 % half-width of mean revenue is this fraction of it (default 0.01)'),
};

export const runSimulationInput = { scenario: scenarioSchema, ...samplingInput };

const gridValues = <T extends z.ZodTypeAny>(value: T) => z.array(value).min(1, 'must list at least one value').max(100, 'must list at most 100 values');
export const sweepGridSchema = z
  .object({
    priceChange: gridValues(z.number().finite().gt(-100, 'must be above -100').max(1000)).optional(),
    adSpendChange: gridValues(z.number().finite().min(-100).max(1000)).optional(),
    payoutFrequency: gridValues(z.enum(payoutFrequencies)).optional(),
  })
  .strict();

export const runSweepInput = {
  description: z.string().max(500).default(''),
  duration: durationSchema,
  /** Changes every scenario of the grid starts from. */
  base: scenarioChangesSchema.default({}),
  grid: sweepGridSchema.optional(),
  scenarios: z.array(scenarioChangesSchema).min(1).max(10_000, 'must be at most 10000 scenarios').optional(),
  samples: z.number().int().min(8, 'must be at least 8').max(2_000, 'must be at most 2000').default(64),
  seed: seedSchema.optional(),
};

export const distributionDto = z.object({ mean: z.number(), p5: z.number(), p50: z.number(), p95: z.number(), cvar5: z.number() }).describe('mean, percentiles and CVaR5 (mean of the worst 5 %)');

export const metricsDto = z.object({
  revenue: distributionDto,
  orders: distributionDto,
  margin: distributionDto.describe('gross margin, a fraction'),
  grossProfit: distributionDto,
  contribution: distributionDto,
  fraudLoss: distributionDto,
  refunds: distributionDto,
  fees: distributionDto,
  commissions: distributionDto,
  stockouts: distributionDto,
  cashRunwayDays: distributionDto.nullable().describe('null until the shop has reported its cash'),
  endingCash: distributionDto.nullable(),
});

const thresholdDto = z.object({ value: z.number(), source: z.string() });
export const risksDto = z.object({
  pMarginBelowFloor: z.number(),
  pStockout: z.number(),
  pRunwayBelowMinimum: z.number().nullable(),
  pRevenueBelowCurrent: z.number().nullable(),
  thresholds: z.object({ marginFloor: thresholdDto, minRunwayDays: thresholdDto }),
});

export const opportunityDto = z.object({
  changes: z.record(z.unknown()),
  description: z.string(),
  contributionGain: z.object({ mean: z.number(), p5: z.number(), p95: z.number() }),
  revenueGainMean: z.number(),
  probabilityBetter: z.number(),
  risks: z.object({ pMarginBelowFloor: z.number(), pStockout: z.number(), pRunwayBelowMinimum: z.number().nullable() }),
});

export const samplingDto = z.object({
  metric: z.literal('revenue'),
  samples: z.number().int(),
  mean: z.number(),
  halfWidth: z.number(),
  relativeHalfWidth: z.number(),
  tolerance: z.number(),
  maxSamples: z.number().int(),
  stoppedEarly: z.boolean(),
});

export const governanceFactsDto = z.object({ projected: z.record(z.number()), risk: z.record(z.number()) }).describe("pass as a tool call's context: policies read projected.* and risk.*");

const provenance = {
  id: z.string().uuid(),
  orgUnitId: z.string(),
  description: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  seed: z.number().int(),
  inputSha256: z.string(),
  modelVersions: z.record(z.enum(modelNames), z.number().int()).describe('0 is the documented prior'),
  calibrated: z.boolean(),
  backend: z.string().nullable(),
  kernelVersion: z.string().nullable(),
  computeMs: z.number().nullable(),
  notes: z.array(z.string()),
  requestedBy: z.string(),
  createdAt: time,
  completedAt: time.nullable(),
};

export const simulationDto = z.object({
  ...provenance,
  kind: z.literal('single'),
  scenario: z.object({ changes: z.record(z.unknown()), duration: z.number().int(), description: z.string() }),
  samples: z.number().int().nullable(),
  metrics: metricsDto,
  impact: z.object({ revenue: distributionDto, contribution: distributionDto, margin: distributionDto, pairedSamples: z.number().int() }).describe('the scenario minus no change, sample by sample'),
  risks: risksDto,
  opportunities: z.array(opportunityDto),
  sampling: samplingDto,
  governance: governanceFactsDto,
});
export type SimulationDto = z.infer<typeof simulationDto>;

export const sweepScenarioDto = z.object({ index: z.number().int(), changes: z.record(z.unknown()), metrics: metricsDto, risks: risksDto });
export type SweepScenarioDto = z.infer<typeof sweepScenarioDto>;

export const sweepDto = z.object({
  ...provenance,
  kind: z.literal('sweep'),
  duration: z.number().int(),
  samples: z.number().int(),
  scenarioCount: z.number().int(),
  /** The best scenarios by mean contribution; every one is in getSweepRuns. */
  best: z.array(sweepScenarioDto),
});
export type SweepDto = z.infer<typeof sweepDto>;

export const simulationSummaryDto = z.object({
  id: z.string().uuid(),
  kind: z.enum(['single', 'sweep']),
  description: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  seed: z.number().int(),
  samples: z.number().int().nullable(),
  backend: z.string().nullable(),
  modelVersions: z.record(z.number().int()),
  headline: z.record(z.unknown()).nullable(),
  createdAt: time,
  completedAt: time.nullable(),
});

export const simulationIdSchema = z.string().uuid('must be a UUID');
const cursorPattern = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z_[0-9a-f-]{36}$/;
export const listSimulationsInput = {
  limit: pageLimitSchema,
  kind: z.enum(['single', 'sweep']).optional(),
  before: z.string().regex(cursorPattern, 'must be a nextCursor from an earlier page').optional(),
};

export const sweepRunsInput = {
  limit: pageLimitSchema,
  after: z.coerce.number({ message: 'must be a number' }).int().min(0).optional(),
};

export const calibrationStatusDto = z.object({
  orgUnitId: z.string(),
  calibrated: z.boolean(),
  models: z.array(
    z.object({
      model: z.enum(modelNames),
      version: z.number().int(),
      source: z.enum(['prior', 'calibrated']),
      trainingFrom: time.nullable(),
      trainingTo: time.nullable(),
      backtestError: z.record(z.unknown()),
      calibratedAt: time.nullable(),
    }),
  ),
  predictions: z.object({
    open: z.number().int(),
    resolved: z.number().int(),
    /** Mean absolute percentage error of resolved revenue forecasts; null before any. */
    revenueMape: z.number().nullable(),
    /** Share of resolved forecasts whose p5–p95 band held what happened. */
    revenueCoverage: z.number().nullable(),
  }),
});
export type CalibrationStatusDto = z.infer<typeof calibrationStatusDto>;

/** What `bos twin calibrate` (CalibrationService.calibrate) reports. */
export type CalibrationRunDto = Readonly<{
  orgUnitId: string;
  trainingFrom: string;
  trainingTo: string;
  holdoutFrom: string;
  holdoutTo: string;
  events: number;
  models: readonly Readonly<{ model: string; version: number; backtestError: Record<string, unknown> }>[];
  prediction: Readonly<{ id: string; simulationId: string; windowStart: string; windowEnd: string; revenue: Readonly<{ mean: number; p5: number; p50: number; p95: number }> }>;
  resolvedPredictions: number;
}>;
