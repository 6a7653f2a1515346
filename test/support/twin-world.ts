import type { CommonQueryMethods } from 'slonik';
import { importCatalog } from '../../db/queries/catalog.js';
import { insertEventsOnce } from '../../db/queries/events.js';
import { generateCatalog, type Catalog } from '../../engine/world/index.js';
import { createWorld, simulateDays, type DayResult, type World, type WorldState } from '../../engine/world/simulation.js';

export type WorldShop = Readonly<{ world: World; catalog: Catalog; days: readonly DayResult[]; state: WorldState }>;

/**
 * A shop with a history: a slice of the simulated world's catalog imported into the org
 * unit, and `days` of the world's events stored as the shop would have posted them.
 */
export async function seedWorldShop(
  db: CommonQueryMethods,
  orgUnitId: string,
  options: { seed: string; products: number; creators: number; days: number; startDate: string },
): Promise<WorldShop> {
  const catalog = generateCatalog({ seed: 1, products: options.products, creators: options.creators });
  await importCatalog(db, { orgUnitId, currency: catalog.currency, products: catalog.products, creators: catalog.creators });
  const world = createWorld({ seed: options.seed, catalog });
  const { days, state } = simulateDays(world, { startDate: options.startDate, days: options.days });
  await storeWorldEvents(db, orgUnitId, days);
  return { world, catalog, days, state };
}

/** Stores the days' events, a few thousand per statement. */
export async function storeWorldEvents(db: CommonQueryMethods, orgUnitId: string, days: readonly DayResult[]): Promise<void> {
  const events = days.flatMap((day) => day.events);
  for (let start = 0; start < events.length; start += 2_000) {
    const batch = events.slice(start, start + 2_000).map((e) => ({ type: e.type, idempotencyKey: e.idempotencyKey, payload: e.payload, occurredAt: new Date(e.occurredAt) }));
    await insertEventsOnce(db, { orgUnitId, source: 'world', events: batch });
  }
}
