export { allPriorVersions, modelNames, priorVersion, type ModelName, type ModelVersions } from './model-names.js';
export * from './model-params.js';
export * from './model-runner.js';
export { buildShopPlan, changedPriceMinor, runwayCapDays, type ShopPlan } from './shop-plan.js';
export {
  durationSchema,
  maxDurationDays,
  payoutFrequencies,
  payoutFrequencyDays,
  scenarioChangesSchema,
  scenarioSchema,
  unchanged,
  type PayoutFrequency,
  type Scenario,
  type ScenarioChanges,
  type ScenarioInput,
} from './scenario.js';
export { scenarioProblems, type ScenarioProblem } from './scenario-problems.js';
export { defaultSeed, hash32, maxSeed, modelSeeds } from './seeds.js';
export { weekdayOf, type ShopState, type TwinCreator, type TwinProduct, type TwinStream } from './shop-state.js';
export { noSales, priorDefaults, priorParams, type RecentSales } from './prior-params.js';
export { meanWithHalfWidth, probability, quantile, summarize, type Distribution, type SummaryOptions, type WorstTail } from './distribution.js';
export { defaultStoppingRule, fixedSamples, stoppingDecision, type StoppingDecision, type StoppingReport, type StoppingRule } from './early-stopping.js';
export { governanceFacts, type GovernanceFacts } from './governance-facts.js';
export { inputSha256 } from './input-hash.js';
export { metricNames, metricSpecs, pathMetrics, summarizeMetrics, type MetricName, type Metrics, type PathMetrics } from './metrics.js';
export { neighbourhood, pickOpportunities, type Neighbour, type Opportunity } from './opportunities.js';
export { defaultThresholds, thresholdsFromPolicies, type RiskThresholds, type Threshold } from './risk-thresholds.js';
export { risksOf, type Risks } from './risks.js';
export { comparisonSamples, isUnchanged, kernelVersion, simulate, type Impact, type SimulationInput, type SimulationReport } from './simulate.js';
export { gridScenarios, maxSweepScenarios, sweep, type SweepGrid, type SweepInput, type SweepReport, type SweepScenarioResult } from './sweep.js';
export { dayIndexOf, demandHistory, historyDays, historyEventTypes, type DayWindow, type DemandHistory, type HistoryEvent, type PriceList } from './history.js';
export { fraudFeatureNames, fraudFeatureVector, fraudScore, labelledOrders, rocAuc, type FraudFeatureName, type LabelledOrders } from './fraud-features.js';
export type { DemandFit, DemandFitInput, FraudFit, FraudFitInput, ModelFitter } from './model-fitter.js';
export {
  CalibrationDataError,
  calibrateModels,
  calibratedModels,
  expectedUnits,
  meanCompetitorFactor,
  minTrainingDays,
  type CalibratedModel,
  type CalibrationInput,
  type CalibrationResult,
} from './calibration.js';
