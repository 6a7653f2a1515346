import { buildShopPlan, modelSeeds } from '../../engine/twin/index.js';
import type { LazyModelPool } from './lazy-model-pool.js';
import type { TwinService } from './twin-service.js';

/** Samples per worker in the warm-up: enough to run every kernel once, too few to cost anything. */
const warmSamples = 8;

/**
 * Starts the model workers on a small, unstored forecast of the org unit's own shop. A worker's
 * first request loads TensorFlow.js and compiles its WebAssembly (seconds); a server whose
 * workflows forecast calls this at start, so no decision waits for it.
 */
export async function warmTwin(twin: Pick<TwinService, 'read'>, models: Pick<LazyModelPool, 'warm'>, orgUnitId: string): Promise<void> {
  const { state, params } = await twin.read(orgUnitId);
  await models.warm({ ...buildShopPlan(state, params, [{}], 7), seeds: modelSeeds(1), sampleStart: 0, sampleCount: warmSamples });
}
