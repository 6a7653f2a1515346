import {
  governanceFacts,
  type Metrics,
  type ModelVersions,
  type Risks,
  type SimulationReport,
  type SweepReport,
  type SweepScenarioResult,
} from '../../engine/twin/index.js';
import type { SimulationListRow, SimulationRow } from '../../db/queries/simulations.js';
import { simulationDto, simulationSummaryDto, sweepDto, type SimulationDto, type SweepDto, type SweepScenarioDto } from '../contracts/twin.js';
import { AppError } from '../errors/catalog.js';

/**
 * How a simulation is stored (simulations.result) and shown (the DTOs). The stored result
 * carries a `headline` that lists show without loading everything.
 */
export type StoredSingle = Readonly<{
  kind: 'single';
  headline: Readonly<Record<string, unknown>>;
  report: SimulationReport;
  notes: readonly string[];
  calibrated: boolean;
}>;

export type StoredSweep = Readonly<{
  kind: 'sweep';
  headline: Readonly<Record<string, unknown>>;
  duration: number;
  scenarioCount: number;
  best: readonly SweepScenarioResult[];
  notes: readonly string[];
  calibrated: boolean;
}>;

export function storedSingle(report: SimulationReport, reading: { notes: readonly string[]; calibrated: boolean }): StoredSingle {
  return {
    kind: 'single',
    headline: headlineOf(report.metrics, report.risks),
    report,
    notes: reading.notes,
    calibrated: reading.calibrated,
  };
}

export const bestShown = 10;

export function storedSweep(report: SweepReport, duration: number, reading: { notes: readonly string[]; calibrated: boolean }): StoredSweep {
  const best = report.ranking.slice(0, bestShown).map((index) => report.results[index] as SweepScenarioResult);
  const top = best[0];
  return {
    kind: 'sweep',
    headline: { scenarioCount: report.results.length, ...(top ? { bestIndex: top.index, bestChanges: top.changes, ...headlineOf(top.metrics, top.risks) } : {}) },
    duration,
    scenarioCount: report.results.length,
    best,
    notes: reading.notes,
    calibrated: reading.calibrated,
  };
}

function headlineOf(metrics: Metrics, risks: Risks): Record<string, unknown> {
  return {
    revenueMean: metrics.revenue.mean,
    marginMean: metrics.margin.mean,
    contributionMean: metrics.contribution.mean,
    pMarginBelowFloor: risks.pMarginBelowFloor,
    pStockout: risks.pStockout,
    pRunwayBelowMinimum: risks.pRunwayBelowMinimum,
  };
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

function provenance(row: SimulationRow, notes: readonly string[], calibrated: boolean) {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    description: row.description,
    status: row.status,
    seed: row.seed,
    inputSha256: row.input_sha256,
    modelVersions: row.model_versions as ModelVersions,
    calibrated,
    backend: row.backend,
    computeMs: row.compute_ms,
    notes: [...notes],
    requestedBy: row.requested_by,
    createdAt: row.created_at.toISOString(),
    completedAt: iso(row.completed_at),
  };
}

/** A completed simulation row as its DTO (a failed or running one has no result to show). */
export function simulationOf(row: SimulationRow): SimulationDto | SweepDto {
  if (row.status !== 'completed' || row.result === null) {
    const why = typeof row.error?.message === 'string' ? `: ${row.error.message}` : '';
    throw new AppError('CONFLICT', `Simulation ${row.id} is ${row.status}${why}`);
  }
  if (row.kind === 'sweep') {
    const stored = row.result as unknown as StoredSweep;
    return sweepDto.parse({
      ...provenance(row, stored.notes, stored.calibrated),
      kind: 'sweep',
      kernelVersion: null,
      duration: stored.duration,
      samples: row.samples ?? 0,
      scenarioCount: stored.scenarioCount,
      best: stored.best.map(sweepScenarioOf),
    });
  }
  const stored = row.result as unknown as StoredSingle;
  const { report } = stored;
  return simulationDto.parse({
    ...provenance(row, stored.notes, stored.calibrated),
    kind: 'single',
    kernelVersion: report.kernelVersion,
    scenario: row.scenario,
    samples: row.samples,
    metrics: report.metrics,
    impact: report.impact,
    risks: report.risks,
    opportunities: report.opportunities,
    sampling: report.sampling,
    governance: governanceFacts(report),
  });
}

export function sweepScenarioOf(result: Pick<SweepScenarioResult, 'index' | 'changes' | 'metrics' | 'risks'>): SweepScenarioDto {
  return { index: result.index, changes: result.changes, metrics: result.metrics, risks: result.risks };
}

export function summaryOf(row: SimulationListRow) {
  return simulationSummaryDto.parse({
    id: row.id,
    kind: row.kind,
    description: row.description,
    status: row.status,
    seed: row.seed,
    samples: row.samples,
    backend: row.backend,
    modelVersions: row.model_versions,
    headline: row.headline,
    createdAt: row.created_at.toISOString(),
    completedAt: iso(row.completed_at),
  });
}
