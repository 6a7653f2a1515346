/**
 * The simulated shop: the truth-bearing half of engine/world. Tests, benchmarks and the
 * world runner (server/world) import it; lint keeps the twin, decisions, models and the
 * rest of the server out (they see the catalog, through ./index.ts, and the events).
 */
export { addDays, dateOf, dateStartMs, dayOfWeek, instantOn, isWorldDate } from './calendar.js';
export { adLift, creatorLift, expectedDemand, streamLifts, type CompetitorFactors } from './demand.js';
export { defaultPayoutEveryDays, endsPayoutPeriod, houseStreams, referenceLevers, type DayLevers, type WorldStream } from './levers.js';
export { createWorld, defaultCatalogSeed, simulateDay, simulateDays, type WorldOptions } from './simulate.js';
export { initialState, type PendingClaim, type Reorder, type UnsettledCharge, type World, type WorldState } from './state.js';
export { mergeStatements, statementCsv, type ProcessorStatement, type ProcessorStatementLine } from './statements.js';
export { dayRandom, stepWorld, type DayResult, type DaySummary, type DayTruth } from './step.js';
export { elasticityRange, generateTruth, type CreatorTruth, type ProductTruth, type Range, type WorldTruth } from './truth.js';
export type { OrderFeatures, WorldEvent, WorldEventPayloads, WorldEventType } from './world-events.js';
