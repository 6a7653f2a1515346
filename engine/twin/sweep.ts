import { pathMetrics, summarizeMetrics, type Metrics } from './metrics.js';
import type { ModelParams } from './model-params.js';
import type { ModelRunner } from './model-runner.js';
import type { RiskThresholds } from './risk-thresholds.js';
import { risksOf, type Risks } from './risks.js';
import type { ScenarioChanges } from './scenario.js';
import { modelSeeds } from './seeds.js';
import { buildShopPlan } from './shop-plan.js';
import type { ShopState } from './shop-state.js';
import { kernelVersion, pathContext } from './simulate.js';

/**
 * Many scenarios over the same days and the same samples (common random numbers), in one
 * request the runner splits across its workers. Each scenario gets its metrics and risks;
 * the ranking is by mean contribution.
 */
export type SweepInput = Readonly<{
  state: ShopState;
  params: ModelParams;
  scenarios: readonly ScenarioChanges[];
  days: number;
  samples: number;
  seed: number;
  thresholds: RiskThresholds;
}>;

export type SweepScenarioResult = Readonly<{ index: number; changes: ScenarioChanges; metrics: Metrics; risks: Risks }>;

export type SweepReport = Readonly<{
  results: readonly SweepScenarioResult[];
  /** Scenario indices from the highest mean contribution down. */
  ranking: readonly number[];
  samples: number;
  backend: string;
  kernelVersion: string;
  computeMs: number;
}>;

/** Largest grid or list a sweep takes. */
export const maxSweepScenarios = 10_000;

export async function sweep(runner: ModelRunner, input: SweepInput, now: () => number): Promise<SweepReport> {
  const { state, params, scenarios, days, samples, seed, thresholds } = input;
  const plan = buildShopPlan(state, params, scenarios, days);
  const started = now();
  const result = await runner.run({ ...plan, seeds: modelSeeds(seed), sampleStart: 0, sampleCount: samples });
  const computeMs = now() - started;
  const context = pathContext(params, days);
  const cashKnown = state.cashMinor !== null;
  const results = scenarios.map((changes, index): SweepScenarioResult => {
    const paths = pathMetrics(result.outputs, index, samples, context);
    const scopeStockouts = result.outputs.scopeStockouts.subarray(index * samples, (index + 1) * samples);
    const scopeSize = plan.scenarios[index]?.scope.reduce((sum, flag) => sum + flag, 0) ?? 0;
    return { index, changes, metrics: summarizeMetrics(paths, cashKnown), risks: risksOf({ paths, scopeStockouts, scopeSize, cashKnown }, thresholds) };
  });
  const ranking = results.map((r) => r.index).sort((a, b) => (results[b]?.metrics.contribution.mean ?? 0) - (results[a]?.metrics.contribution.mean ?? 0) || a - b);
  return { results, ranking, samples, backend: result.backend, kernelVersion, computeMs };
}

export type SweepGrid = Readonly<{
  priceChange?: readonly number[];
  adSpendChange?: readonly number[];
  payoutFrequency?: readonly NonNullable<ScenarioChanges['payoutFrequency']>[];
}>;

/** Every combination of the grid's values on top of `base`, in a stable order (price, then ads, then payout). */
export function gridScenarios(base: ScenarioChanges, grid: SweepGrid): ScenarioChanges[] {
  const prices = grid.priceChange ?? [base.priceChange];
  const ads = grid.adSpendChange ?? [base.adSpendChange];
  const payouts = grid.payoutFrequency ?? [base.payoutFrequency];
  const scenarios: ScenarioChanges[] = [];
  for (const priceChange of prices) {
    for (const adSpendChange of ads) {
      for (const payoutFrequency of payouts) {
        scenarios.push(withoutUndefined({ ...base, priceChange, adSpendChange, payoutFrequency }));
      }
    }
  }
  return scenarios;
}

function withoutUndefined(changes: ScenarioChanges): ScenarioChanges {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}
