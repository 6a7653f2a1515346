/**
 * The shop as the twin starts from: what the database holds now (products, creators, the
 * streams on the schedule, ad budgets, the last cash figure). Money is integer minor units.
 * Products are the active ones, ordered by sku, so the same shop always lines up the same.
 */
export type TwinProduct = Readonly<{
  id: string;
  sku: string;
  category: string;
  priceMinor: number;
  unitCostMinor: number;
  stock: number;
  leadTimeDays: number;
}>;

export type TwinCreator = Readonly<{
  id: string;
  handle: string;
  audience: number;
  conversionBps: number;
  commissionBps: number;
}>;

export type TwinStream = Readonly<{
  id: string;
  creatorId: string;
  /** Day of the simulation the stream airs on (0 is the first simulated day). */
  day: number;
  /** Categories it features: its products' categories. */
  categories: readonly string[];
}>;

export type ShopState = Readonly<{
  orgUnitId: string;
  currency: string;
  /** The first simulated day, as a UTC date (YYYY-MM-DD). */
  startDate: string;
  products: readonly TwinProduct[];
  creators: readonly TwinCreator[];
  streams: readonly TwinStream[];
  /** Sum of every channel's daily ad budget. */
  adSpendDailyMinor: number;
  /** Cash from the last metrics.snapshot; null before the first one (the twin then starts from 0 and says so). */
  cashMinor: number | null;
  /** Days from the first simulated day to the next creator payout (0: it pays out on day 0); from the last payout.due. */
  daysToNextPayout: number | null;
  /** Commission creators have earned since their last payout, paid on the next payout day. */
  accruedCommissionsMinor: number;
}>;

/** 0 = Sunday … 6 = Saturday, for the demand model's weekday multipliers. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
