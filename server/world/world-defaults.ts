// The world run's defaults, apart from the runner and its database code: the CLI shows them
// in its help without loading those.
export { defaultCatalogSeed, defaultPayoutEveryDays } from '../../engine/world/simulation.js';
