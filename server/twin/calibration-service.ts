import type { DatabasePool } from 'slonik';
import { listActiveModelVersions } from '../../db/queries/model-registry.js';
import { countPredictions, listResolvedPredictions } from '../../db/queries/predictions.js';
import { modelNames } from '../../engine/twin/index.js';
import type { CalibrationStatusDto } from '../contracts/twin.js';

/** Where each model's parameters come from, and how forecasts have done against what happened. */
export type CalibrationService = Readonly<{
  status(orgUnitId: string): Promise<CalibrationStatusDto>;
}>;

/** Revenue forecasts a shop's accuracy figures are taken over (the most recent). */
const accuracyWindow = 100;

export function createCalibrationService(deps: { pool: DatabasePool }): CalibrationService {
  const { pool } = deps;
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
  };
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
