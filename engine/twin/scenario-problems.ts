import type { Scenario } from './scenario.js';
import type { ShopState } from './shop-state.js';

/** A scenario field that does not fit the shop, with its path inside the scenario. */
export type ScenarioProblem = Readonly<{ path: readonly (string | number)[]; message: string }>;

/**
 * What the schema cannot know: whether the products, streams and creators a scenario names
 * exist in this shop, and whether its streams fall inside the simulated days. Empty when
 * the scenario fits.
 */
export function scenarioProblems(scenario: Scenario, state: ShopState): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const { changes } = scenario;
  const productIds = new Set(state.products.map((p) => p.id));
  const skus = new Set(state.products.map((p) => p.sku));
  const creatorIds = new Set(state.creators.map((c) => c.id));
  const streamIds = new Set(state.streams.filter((s) => s.day < scenario.duration).map((s) => s.id));
  const categories = new Set(state.products.map((p) => p.category));
  const idOfSku = new Map(state.products.map((p) => [p.sku, p.id]));

  const seenProducts = new Set<string>();
  changes.products?.forEach((change, index) => {
    const field = change.productId === undefined ? 'sku' : 'productId';
    const known = change.productId === undefined ? skus.has(change.sku ?? '') : productIds.has(change.productId);
    if (!known) {
      problems.push({ path: ['changes', 'products', index, field], message: 'is not an active product of this org unit' });
      return;
    }
    const id = change.productId ?? idOfSku.get(change.sku ?? '') ?? '';
    if (seenProducts.has(id)) problems.push({ path: ['changes', 'products', index, field], message: 'names a product already changed above' });
    seenProducts.add(id);
  });

  changes.creatorReassignments?.forEach((reassignment, index) => {
    if (!streamIds.has(reassignment.streamId)) {
      problems.push({ path: ['changes', 'creatorReassignments', index, 'streamId'], message: 'is not a stream scheduled within the simulated days' });
    }
    if (!creatorIds.has(reassignment.creatorId)) {
      problems.push({ path: ['changes', 'creatorReassignments', index, 'creatorId'], message: 'is not an active creator of this org unit' });
    }
  });

  changes.streams?.cancel?.forEach((streamId, index) => {
    if (!streamIds.has(streamId)) problems.push({ path: ['changes', 'streams', 'cancel', index], message: 'is not a stream scheduled within the simulated days' });
  });

  changes.streams?.add?.forEach((stream, index) => {
    const at = (...rest: (string | number)[]) => ['changes', 'streams', 'add', index, ...rest];
    if (!creatorIds.has(stream.creatorId)) problems.push({ path: at('creatorId'), message: 'is not an active creator of this org unit' });
    if (stream.day >= scenario.duration) problems.push({ path: at('day'), message: `must fall within the ${scenario.duration} simulated days (0 to ${scenario.duration - 1})` });
    stream.productIds?.forEach((id, i) => {
      if (!productIds.has(id)) problems.push({ path: at('productIds', i), message: 'is not an active product of this org unit' });
    });
    stream.categories?.forEach((name, i) => {
      if (!categories.has(name)) problems.push({ path: at('categories', i), message: 'is not a category of any active product' });
    });
  });
  return problems;
}
