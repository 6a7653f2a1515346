import { seededRandom } from '../kernel/index.js';
import { dayOfWeek } from './calendar.js';
import type { Catalog } from './catalog.js';
import { categorySpecs, type CategoryId } from './catalog-vocabulary.js';

/**
 * What the business controls on a day: the levers the world reacts to. The runner reads
 * them from the database (prices, ad budgets, scheduled streams); tests set them directly.
 */
export type WorldStream = Readonly<{
  streamId: string;
  creatorHandle: string;
  /** The category whose products the stream features (and lifts). */
  category: CategoryId;
  /** Minutes after midnight UTC. */
  startMinute: number;
  durationMinutes: number;
  title: string;
}>;

export type DayLevers = Readonly<{
  /** Current price per SKU; a SKU left out sells at its catalog price. */
  pricesMinor: Readonly<Record<string, number>>;
  /** Global ad spend of the day (the sum of the daily budgets). */
  adSpendMinor: number;
  streams: readonly WorldStream[];
  /** Creators are paid every this many days (7: weekly). */
  payoutEveryDays: number;
}>;

export const defaultPayoutEveryDays = 7;

/** Catalog prices, no ads, the creators' own streams, weekly payouts. */
export function referenceLevers(catalog: Catalog, seed: number | string, date: string): DayLevers {
  return { pricesMinor: {}, adSpendMinor: 0, streams: houseStreams(catalog, seed, date), payoutEveryDays: defaultPayoutEveryDays };
}

/**
 * The streams the network's creators run on their own: three a weekday, five on weekend
 * days, in the evening (UTC), each featuring the creator's niche. Deterministic per seed
 * and date, so it does not depend on what else happened.
 */
export function houseStreams(catalog: Catalog, seed: number | string, date: string): WorldStream[] {
  if (catalog.creators.length === 0) return [];
  const random = seededRandom(`world:streams:${seed}:${date}`);
  const weekend = [0, 6].includes(dayOfWeek(date));
  const count = Math.min(weekend ? 5 : 3, catalog.creators.length);
  const pool = [...catalog.creators];
  const streams: WorldStream[] = [];
  for (let i = 0; i < count; i += 1) {
    const [creator] = pool.splice(random.int(0, pool.length - 1), 1);
    if (!creator) break;
    const startMinute = 16 * 60 + random.int(0, 20) * 15;
    streams.push({
      streamId: `ws-${seed}-${date.replaceAll('-', '')}-${i + 1}`,
      creatorHandle: creator.handle,
      category: creator.niche,
      startMinute,
      durationMinutes: Math.min(60 + random.int(0, 4) * 15, 24 * 60 - startMinute),
      title: `${creator.displayName}: ${categorySpecs[creator.niche].label} live`,
    });
  }
  return streams;
}

/** Whether the payout period ends on the day with this index (0-based from the world's start). */
export function endsPayoutPeriod(dayIndex: number, everyDays: number): boolean {
  return (dayIndex + 1) % Math.max(1, Math.floor(everyDays)) === 0;
}
