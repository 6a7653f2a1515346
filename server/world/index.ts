/** The world runner: drives engine/world in accelerated time and posts its events. */
export { apiLevers, composeLevers, databaseLevers, toWorldStream, type LeverReadings, type LeverSource } from './world-levers.js';
export { httpSink, inProcessSink, type BatchOptions, type EventSink, type PostOutcome } from './event-sinks.js';
export { createShopClient, ShopRequestError, type ShopClient, type ShopClientOptions } from './shop-client.js';
export { createWorldRunner, type WorldDayReport, type WorldRunner, type WorldRunnerOptions, type WorldRunnerTimers } from './world-runner.js';
export { summariseRun, type WorldRunSummary } from './world-summary.js';
export { createWorld, defaultCatalogSeed, defaultPayoutEveryDays, type World } from '../../engine/world/simulation.js';
