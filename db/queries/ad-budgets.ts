import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Channels we buy ads on; the database checks the same list (db/migrations/007_tools.sql). */
export const adChannels = ['meta', 'tiktok', 'google', 'youtube'] as const;
export type AdChannel = (typeof adChannels)[number];

export const adBudgetRow = z.object({
  org_unit_id: z.string(),
  channel: z.enum(adChannels),
  daily_budget_minor: z.number().int(),
  currency: z.string(),
  updated_at: z.date(),
  updated_by: z.string(),
});
export type AdBudgetRow = z.infer<typeof adBudgetRow>;

const columns = sql.fragment`org_unit_id, channel, daily_budget_minor, currency, updated_at, updated_by`;

export async function findAdBudget(db: CommonQueryMethods, args: { orgUnitId: string; channel: AdChannel }): Promise<AdBudgetRow | null> {
  return db.maybeOne(sql.type(adBudgetRow)`
    SELECT ${columns} FROM ad_budgets WHERE org_unit_id = ${args.orgUnitId} AND channel = ${args.channel}`);
}

/** The channel's budget row, locked until the transaction ends so two changes never interleave. */
export async function lockAdBudget(db: CommonQueryMethods, args: { orgUnitId: string; channel: AdChannel }): Promise<AdBudgetRow | null> {
  return db.maybeOne(sql.type(adBudgetRow)`
    SELECT ${columns} FROM ad_budgets WHERE org_unit_id = ${args.orgUnitId} AND channel = ${args.channel} FOR UPDATE`);
}

export async function upsertAdBudget(
  db: CommonQueryMethods,
  args: { orgUnitId: string; channel: AdChannel; dailyBudgetMinor: number; currency: string; by: string; at: Date },
): Promise<AdBudgetRow> {
  return db.one(sql.type(adBudgetRow)`
    INSERT INTO ad_budgets (org_unit_id, channel, daily_budget_minor, currency, updated_at, updated_by)
    VALUES (${args.orgUnitId}, ${args.channel}, ${args.dailyBudgetMinor}, ${args.currency}, ${sql.timestamp(args.at)}, ${args.by})
    ON CONFLICT (org_unit_id, channel) DO UPDATE
       SET daily_budget_minor = excluded.daily_budget_minor, currency = excluded.currency,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by
    RETURNING ${columns}`);
}

/** The org unit's daily ad budgets summed over channels, per currency (none when no budget is set). */
export async function totalDailyAdBudgets(db: CommonQueryMethods, orgUnitId: string): Promise<readonly { currency: string; total_minor: number }[]> {
  return db.any(sql.type(z.object({ currency: z.string(), total_minor: z.number().int() }))`
    SELECT currency, sum(daily_budget_minor)::bigint AS total_minor FROM ad_budgets WHERE org_unit_id = ${orgUnitId} GROUP BY currency ORDER BY currency`);
}
