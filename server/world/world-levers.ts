import type { DatabasePool } from 'slonik';
import { totalDailyAdBudgets } from '../../db/queries/ad-budgets.js';
import { listProductPrices } from '../../db/queries/products.js';
import { listStreamsStartingBetween, type ScheduledStreamRow } from '../../db/queries/streams.js';
import { categoryIds, type CategoryId } from '../../engine/world/index.js';
import type { ShopClient } from './shop-client.js';
import { addDays, dateStartMs, houseStreams, type DayLevers, type World, type WorldStream } from '../../engine/world/simulation.js';

/** Where the world learns the business's levers for a day. */
export type LeverSource = { read(date: string): Promise<DayLevers> };

export type LeverReadings = Readonly<{
  pricesMinor: Readonly<Record<string, number>>;
  adSpendMinor: number;
  shopStreams: readonly WorldStream[];
  payoutEveryDays: number;
}>;

/**
 * The day's levers: what the shop set, plus the streams the network's creators run on
 * their own (they stream whether or not the shop schedules anything).
 */
export function composeLevers(world: World, date: string, readings: LeverReadings): DayLevers {
  return {
    pricesMinor: readings.pricesMinor,
    adSpendMinor: readings.adSpendMinor,
    streams: [...readings.shopStreams, ...houseStreams(world.catalog, world.seed, date)],
    payoutEveryDays: readings.payoutEveryDays,
  };
}

/**
 * Levers from the database: active products' prices, the daily ad budgets summed over
 * channels (in the catalog's currency), and the streams the shop scheduled for the day.
 */
export function databaseLevers(pool: DatabasePool, args: { orgUnitId: string; world: World; payoutEveryDays: number }): LeverSource {
  return {
    async read(date) {
      const from = new Date(dateStartMs(date));
      const to = new Date(dateStartMs(addDays(date, 1)));
      const [prices, budgets, streams] = await pool.connect(async (connection) => [
        await listProductPrices(connection, args.orgUnitId),
        await totalDailyAdBudgets(connection, args.orgUnitId),
        await listStreamsStartingBetween(connection, { orgUnitId: args.orgUnitId, from, to }),
      ] as const);
      return composeLevers(args.world, date, {
        pricesMinor: Object.fromEntries(prices.map((p) => [p.sku, p.price_minor])),
        adSpendMinor: budgets.find((b) => b.currency === args.world.catalog.currency)?.total_minor ?? 0,
        shopStreams: streams.flatMap((row) => toWorldStream(args.world, row)),
        payoutEveryDays: args.payoutEveryDays,
      });
    },
  };
}

/** A scheduled stream as the world sees it; it features its products' main category, else its creator's niche. */
export function toWorldStream(world: World, row: ScheduledStreamRow): WorldStream[] {
  const featured = row.categories.find((c): c is CategoryId => (categoryIds as readonly string[]).includes(c));
  const category = featured ?? world.catalog.creators.find((c) => c.handle === row.creator_handle)?.niche;
  if (!category) return [];
  const startMinute = row.scheduled_start.getUTCHours() * 60 + row.scheduled_start.getUTCMinutes();
  const durationMinutes = Math.max(1, Math.min(24 * 60 - startMinute, Math.round((row.scheduled_end.getTime() - row.scheduled_start.getTime()) / 60_000)));
  return [{ streamId: row.id, creatorHandle: row.creator_handle, category, startMinute, durationMinutes, title: row.title }];
}

/**
 * Levers read through a running server's API. Only prices have a read route today, so over
 * HTTP the world sees no ad spend and no shop-scheduled streams (its creators still stream).
 */
export function apiLevers(client: Pick<ShopClient, 'listPrices'>, args: { orgUnitId: string; world: World; payoutEveryDays: number }): LeverSource {
  return {
    async read(date) {
      return composeLevers(args.world, date, {
        pricesMinor: await client.listPrices(args.orgUnitId),
        adSpendMinor: 0,
        shopStreams: [],
        payoutEveryDays: args.payoutEveryDays,
      });
    },
  };
}
