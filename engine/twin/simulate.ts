import { summarize, type Distribution } from './distribution.js';
import { defaultStoppingRule, stoppingDecision, type StoppingReport, type StoppingRule } from './early-stopping.js';
import { concatPaths, headOfPaths, pathMetrics, summarizeMetrics, type Metrics, type PathContext, type PathMetrics } from './metrics.js';
import type { ModelParams } from './model-params.js';
import type { KernelOutputs, KernelRequest, ModelRunner } from './model-runner.js';
import { neighbourhood, pickOpportunities, type Opportunity } from './opportunities.js';
import type { RiskThresholds } from './risk-thresholds.js';
import { risksOf, type Risks } from './risks.js';
import type { Scenario, ScenarioChanges } from './scenario.js';
import { modelSeeds } from './seeds.js';
import { buildShopPlan, type ShopPlan } from './shop-plan.js';
import type { ShopState } from './shop-state.js';

/** Names the model code a result came from; part of every input hash. */
export const kernelVersion = 'twin-kernel/1';

/** Samples paired with the no-change run and with each neighbour (common random numbers make few enough). */
export const comparisonSamples = 32;

export type SimulationInput = Readonly<{
  state: ShopState;
  params: ModelParams;
  scenario: Scenario;
  seed: number;
  thresholds: RiskThresholds;
  rule?: StoppingRule;
}>;

export type Impact = Readonly<{ revenue: Distribution; contribution: Distribution; margin: Distribution; pairedSamples: number }>;

export type SimulationReport = Readonly<{
  metrics: Metrics;
  /** The scenario minus no change at all, sample by sample on the same random numbers. */
  impact: Impact;
  risks: Risks;
  opportunities: readonly Opportunity[];
  sampling: StoppingReport;
  backend: string;
  kernelVersion: string;
}>;

/**
 * One what-if: the scenario with early stopping, and alongside it the shop with no change
 * and the scenario's neighbours, on the first `comparisonSamples` samples. Deterministic:
 * the same input on the same backend gives the same report.
 */
export async function simulate(runner: ModelRunner, input: SimulationInput): Promise<SimulationReport> {
  const { state, params, scenario, seed, thresholds } = input;
  const rule = input.rule ?? defaultStoppingRule;
  const neighbours = neighbourhood(scenario.changes, state);
  const plan = buildShopPlan(state, params, [scenario.changes, {}, ...neighbours.map((n) => n.changes)], scenario.duration);
  const context = pathContext(params, scenario.duration);
  const paired = Math.min(comparisonSamples, rule.minSamples);
  const request = (scenarios: readonly number[], start: number, count: number): KernelRequest => ({
    ...plan,
    scenarios: scenarios.map((i) => plan.scenarios[i] as ShopPlan['scenarios'][number]),
    seeds: modelSeeds(seed),
    sampleStart: start,
    sampleCount: count,
  });
  const others = plan.scenarios.map((_, i) => i).slice(1);
  const comparison = runner.run(request(others, 0, paired));

  const batches: PathMetrics[] = [];
  const scopeStockouts: number[] = [];
  let backend = '';
  let decision = undefined as ReturnType<typeof stoppingDecision> | undefined;
  let done = 0;
  let next = Math.max(rule.minSamples, paired);
  while (next > 0) {
    const result = await runner.run(request([0], done, next));
    backend = result.backend;
    batches.push(pathMetrics(result.outputs, 0, next, context));
    scopeStockouts.push(...result.outputs.scopeStockouts);
    done += next;
    decision = stoppingDecision(rule, concatPaths(batches).revenue);
    next = decision.stop ? 0 : decision.nextBatch;
  }
  const paths = concatPaths(batches);
  const cashKnown = state.cashMinor !== null;
  const scopeSize = plan.scenarios[0]?.scope.reduce((sum, flag) => sum + flag, 0) ?? 0;

  const compared = await comparison;
  const current = pathMetrics(compared.outputs, 0, paired, context);
  const head = headOfPaths(paths, paired);
  const risks = risksOf({ paths, scopeStockouts, scopeSize, cashKnown, ...(isUnchanged(scenario.changes) ? {} : { currentRevenue: current.revenue }) }, thresholds);
  const candidates = neighbours.map((neighbour, i) => {
    const neighbourPaths = pathMetrics(compared.outputs, i + 1, paired, context);
    const stockouts = scenarioSlice(compared.outputs, i + 1, paired);
    const size = plan.scenarios[i + 2]?.scope.reduce((sum, flag) => sum + flag, 0) ?? 0;
    return { neighbour, paths: neighbourPaths, risks: risksOf({ paths: neighbourPaths, scopeStockouts: stockouts, scopeSize: size, cashKnown }, thresholds) };
  });
  const scenarioHeadRisks = risksOf({ paths: head, scopeStockouts: scopeStockouts.slice(0, paired), scopeSize, cashKnown }, thresholds);
  return {
    metrics: summarizeMetrics(paths, cashKnown),
    impact: impactOf(head, current),
    risks,
    opportunities: pickOpportunities({ paths: head, risks: scenarioHeadRisks }, candidates),
    sampling: (decision as NonNullable<typeof decision>).report,
    backend,
    kernelVersion,
  };
}

export function pathContext(params: ModelParams, days: number): PathContext {
  return { unitsPerOrder: params.demand.unitsPerOrder, fixedCostMinor: params.payout.fixedDailyCostMinor * days };
}

export function isUnchanged(changes: ScenarioChanges): boolean {
  return Object.values(changes).every((value) => value === undefined);
}

function scenarioSlice(outputs: KernelOutputs, scenario: number, count: number): Float64Array {
  return outputs.scopeStockouts.subarray(scenario * count, (scenario + 1) * count);
}

function impactOf(scenario: PathMetrics, current: PathMetrics): Impact {
  const difference = (name: 'revenue' | 'contribution' | 'margin') =>
    Float64Array.from(current[name], (value, i) => (scenario[name][i] as number) - value);
  return {
    revenue: summarize(difference('revenue'), { worst: 'low', rounding: 'integer' }),
    contribution: summarize(difference('contribution'), { worst: 'low', rounding: 'integer' }),
    margin: summarize(difference('margin'), { worst: 'low', rounding: 'fraction' }),
    pairedSamples: current.revenue.length,
  };
}
