import { isWorldDate } from './calendar.js';
import { generateCatalog, type Catalog } from './catalog.js';
import { referenceLevers, type DayLevers } from './levers.js';
import { initialState, type World, type WorldState } from './state.js';
import { dayRandom, stepWorld, type DayResult } from './step.js';
import { generateTruth } from './truth.js';

export type WorldOptions = {
  /** Seeds the truth and everything that happens; the catalog has a seed of its own. */
  seed: number | string;
  /** The shop's catalog; defaults to `bos seed`'s (catalog seed 1, 240 products, 36 creators). */
  catalog?: Catalog;
};

export const defaultCatalogSeed = 1;

export function createWorld(options: WorldOptions): World {
  const catalog = options.catalog ?? generateCatalog({ seed: defaultCatalogSeed });
  const seed = String(options.seed);
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(seed)) throw new RangeError(`world seed must be 1 to 40 letters, digits, _ or -, got "${seed}"`);
  return Object.freeze({ seed, catalog, truth: generateTruth(catalog, seed) });
}

/** Runs one day on its own random stream (`dayRandom(seed, date)`). */
export function simulateDay(world: World, state: WorldState, levers: DayLevers): DayResult {
  return stepWorld(world, state, levers, dayRandom(world.seed, state.date));
}

/**
 * N days in memory from a fresh start on `startDate`, with levers chosen per day (by
 * default the reference levers: catalog prices, no ads, the creators' own streams,
 * weekly payouts). For tests, benchmarks and calibration checks.
 */
export function simulateDays(
  world: World,
  options: { startDate: string; days: number; levers?: (state: WorldState) => DayLevers; state?: WorldState },
): { days: DayResult[]; state: WorldState } {
  if (!isWorldDate(options.startDate)) throw new RangeError(`startDate must be a date like 2026-01-05, got "${options.startDate}"`);
  if (!Number.isSafeInteger(options.days) || options.days < 0) throw new RangeError(`days must be a whole number, got ${options.days}`);
  const leversFor = options.levers ?? ((s: WorldState) => referenceLevers(world.catalog, world.seed, s.date));
  let state = options.state ?? initialState(world, options.startDate);
  const days: DayResult[] = [];
  for (let i = 0; i < options.days; i += 1) {
    const result = simulateDay(world, state, leversFor(state));
    days.push(result);
    state = result.state;
  }
  return { days, state };
}
