import type { DatabasePool } from 'slonik';
import { insertModelVersion, listActiveModelVersions } from '../../db/queries/model-registry.js';
import { countPredictions, insertPrediction, listDuePredictions, listResolvedPredictions, resolvePrediction } from '../../db/queries/predictions.js';
import { genuineRevenueBetween, listHistoryEvents } from '../../db/queries/twin-history.js';
import type { Clock } from '../../engine/kernel/index.js';
import {
  CalibrationDataError,
  calibratedModels,
  calibrateModels,
  historyEventTypes,
  minTrainingDays,
  modelNames,
  noSales,
  priorParams,
  type ModelFitter,
} from '../../engine/twin/index.js';
import type { CalibrationRunDto, CalibrationStatusDto } from '../contracts/twin.js';
import { AppError, validationFailed } from '../errors/catalog.js';
import { calibrationLimits, type CalibrateInput } from './calibration-limits.js';
import { readShop } from './shop-reader.js';
import type { TwinService } from './twin-service.js';

/**
 * Calibration: fits the models from the org unit's recorded events, stores each fitted
 * model as its next active version (model_registry) with its training window and backtest
 * error, and keeps a revenue forecast to compare with what then happens (predictions).
 * Also where each model's parameters come from, and how forecasts have done.
 */
export type CalibrationService = Readonly<{
  status(orgUnitId: string): Promise<CalibrationStatusDto>;
  calibrate(requestedBy: string, orgUnitId: string, input: CalibrateInput): Promise<CalibrationRunDto>;
  /** Records what happened for every forecast whose window has passed (by the shop's own date); returns how many. */
  resolvePredictions(orgUnitId: string): Promise<number>;
}>;

export type CalibrationServiceDeps = Readonly<{ pool: DatabasePool; fitter: ModelFitter; twin: Pick<TwinService, 'simulate'>; clock: Clock }>;


/** Revenue forecasts a shop's accuracy figures are taken over (the most recent). */
const accuracyWindow = 100;
/** Days the forecast kept at each calibration covers. */
const forecastDays = 7;
const dayMs = 86_400_000;

export function createCalibrationService(deps: CalibrationServiceDeps): CalibrationService {
  const { pool, clock } = deps;
  const now = () => new Date(clock.now());

  async function resolvePredictions(orgUnitId: string): Promise<number> {
    const { state } = await readShop(pool, orgUnitId, clock.now());
    const asOf = new Date(Date.parse(`${state.startDate}T00:00:00Z`));
    let resolved = 0;
    for (const due of await listDuePredictions(pool, { orgUnitId, asOf, limit: 500 })) {
      if (due.metric !== 'revenue') continue;
      const actual = await genuineRevenueBetween(pool, { orgUnitId, from: due.window_start, to: due.window_end });
      if (await resolvePrediction(pool, { orgUnitId, id: due.id, actual, at: now() })) resolved += 1;
    }
    return resolved;
  }

  return {
    async status(orgUnitId) {
      const active = await listActiveModelVersions(pool, orgUnitId);
      const models = modelNames.map((model) => {
        const row = active.find((r) => r.model === model);
        return {
          model,
          version: row?.version ?? 0,
          source: row ? ('calibrated' as const) : ('prior' as const),
          trainingFrom: row?.training_from?.toISOString() ?? null,
          trainingTo: row?.training_to?.toISOString() ?? null,
          backtestError: row?.backtest_error ?? {},
          calibratedAt: row?.created_at.toISOString() ?? null,
        };
      });
      const counts = await countPredictions(pool, orgUnitId);
      const resolved = await listResolvedPredictions(pool, { orgUnitId, metric: 'revenue', limit: accuracyWindow });
      return { orgUnitId, calibrated: models.some((m) => m.source === 'calibrated'), models, predictions: { ...counts, ...accuracyOf(resolved) } };
    },

    async calibrate(requestedBy, orgUnitId, input) {
      checkInput(input);
      const { state } = await readShop(pool, orgUnitId, clock.now());
      const toMs = Date.parse(`${state.startDate}T00:00:00Z`);
      const window = { fromMs: toMs - input.days * dayMs, days: input.days };
      const rows = await listHistoryEvents(pool, { orgUnitId, types: historyEventTypes, from: new Date(window.fromMs), to: new Date(toMs) });
      const events = rows.map((row) => ({ type: row.type, occurredAtMs: row.occurred_at.getTime(), payload: row.payload }));
      let result;
      try {
        result = await calibrateModels(deps.fitter, { events, state, window, holdoutDays: input.holdoutDays, priors: priorParams(state, noSales) });
      } catch (error) {
        if (error instanceof CalibrationDataError) throw new AppError('CONFLICT', `Cannot calibrate ${orgUnitId}: ${error.message}`, { field: 'days' }, { cause: error });
        throw error;
      }
      const trainingFrom = new Date(window.fromMs);
      const trainingTo = new Date(window.fromMs + result.trainingDays * dayMs);
      const holdout = { holdoutFrom: trainingTo.toISOString(), holdoutTo: new Date(toMs).toISOString() };
      const stored = await pool.transaction(async (tx) => {
        const versions = [];
        for (const model of calibratedModels) {
          const row = await insertModelVersion(tx, {
            orgUnitId,
            model,
            params: result.params[model],
            trainingFrom,
            trainingTo,
            backtestError: { ...result.backtest[model], ...holdout },
            activate: true,
            at: now(),
          });
          versions.push({ model, version: row.version, backtestError: row.backtest_error });
        }
        return versions;
      });
      const resolved = await resolvePredictions(orgUnitId);
      // The forecast the new versions make for the coming week, kept to be scored once the week has passed.
      const simulation = await deps.twin.simulate(requestedBy, orgUnitId, { scenario: { changes: {}, duration: forecastDays, description: 'Calibration forecast: the coming week as it stands' } }, { fieldRoot: 'scenario' });
      const { mean, p5, p50, p95 } = simulation.metrics.revenue;
      const prediction = await insertPrediction(pool, {
        orgUnitId,
        simulationId: simulation.id,
        metric: 'revenue',
        windowStart: new Date(toMs),
        windowEnd: new Date(toMs + forecastDays * dayMs),
        predicted: { mean, p5, p50, p95, modelVersions: simulation.modelVersions },
        at: now(),
      });
      return {
        orgUnitId,
        trainingFrom: trainingFrom.toISOString(),
        trainingTo: trainingTo.toISOString(),
        ...holdout,
        events: events.length,
        models: stored,
        prediction: { id: prediction.id, simulationId: simulation.id, windowStart: prediction.window_start.toISOString(), windowEnd: prediction.window_end.toISOString(), revenue: { mean, p5, p50, p95 } },
        resolvedPredictions: resolved,
      };
    },

    resolvePredictions,
  };
}

function checkInput(input: CalibrateInput): void {
  const { minDays, maxDays, minHoldoutDays, maxHoldoutDays } = calibrationLimits;
  const problems: { path: string; message: string }[] = [];
  if (!Number.isSafeInteger(input.holdoutDays) || input.holdoutDays < minHoldoutDays || input.holdoutDays > maxHoldoutDays) {
    problems.push({ path: 'holdoutDays', message: `must be a whole number of days from ${minHoldoutDays} to ${maxHoldoutDays}` });
  }
  if (!Number.isSafeInteger(input.days) || input.days < minDays || input.days > maxDays) {
    problems.push({ path: 'days', message: `must be a whole number of days from ${minDays} to ${maxDays}` });
  } else if (input.days - input.holdoutDays < minTrainingDays) {
    problems.push({ path: 'days', message: `leaves ${input.days - input.holdoutDays} training days after the hold-out; calibration needs at least ${minTrainingDays}` });
  }
  if (problems.length > 0) throw validationFailed(problems);
}

/** MAPE and p5–p95 coverage of resolved forecasts (`predicted` holds mean, p5, p95). */
export function accuracyOf(rows: readonly { predicted: Record<string, unknown>; actual: string | null }[]): { revenueMape: number | null; revenueCoverage: number | null } {
  const pairs = rows.flatMap((row) => {
    const actual = row.actual === null ? Number.NaN : Number(row.actual);
    const { mean, p5, p95 } = row.predicted;
    return typeof mean === 'number' && typeof p5 === 'number' && typeof p95 === 'number' && Number.isFinite(actual) ? [{ actual, mean, p5, p95 }] : [];
  });
  const scored = pairs.filter((pair) => pair.actual !== 0);
  if (pairs.length === 0) return { revenueMape: null, revenueCoverage: null };
  const mape = scored.length === 0 ? null : scored.reduce((sum, pair) => sum + Math.abs(pair.mean - pair.actual) / Math.abs(pair.actual), 0) / scored.length;
  const coverage = pairs.filter((pair) => pair.actual >= pair.p5 && pair.actual <= pair.p95).length / pairs.length;
  return { revenueMape: mape === null ? null : Math.round(mape * 1e6) / 1e6, revenueCoverage: Math.round(coverage * 1e6) / 1e6 };
}
