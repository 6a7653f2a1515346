/**
 * The five decisions the engine makes, their arms (the discrete options, each with what it
 * would change) and the context features the bandits read. An org unit may configure its
 * own arms; the first arm listed is the baseline: the one decisions freeze on while a kill
 * switch covers the domain, and the one ties go to.
 */
export const decisionTypes = ['ad_spend', 'pricing', 'creator_allocation', 'stream_schedule', 'payout_frequency'] as const;
export type DecisionType = (typeof decisionTypes)[number];

/** An arm: its key and the change it stands for (the scenario the twin simulates, the input the tool gets). */
export type Arm = Readonly<{ key: string; label: string; change: Readonly<Record<string, number | string>> }>;

const percentArms = (field: string, steps: readonly number[]): Arm[] =>
  steps.map((step) => ({ key: step === 0 ? 'hold' : `${step > 0 ? 'up' : 'down'}_${Math.abs(step)}`, label: step === 0 ? 'no change' : `${step > 0 ? '+' : ''}${step}%`, change: { [field]: step } }));

export const defaultArms: Readonly<Record<DecisionType, readonly Arm[]>> = {
  pricing: percentArms('priceChange', [0, -10, -5, 5, 10]),
  ad_spend: percentArms('adSpendChange', [0, -20, -10, 10, 20]),
  creator_allocation: [
    { key: 'keep', label: 'keep the current allocation', change: { creatorStrategy: 'keep' } },
    { key: 'top_conversion', label: 'favour the creators who convert best', change: { creatorStrategy: 'top_conversion' } },
    { key: 'top_audience', label: 'favour the largest audiences', change: { creatorStrategy: 'top_audience' } },
    { key: 'category_match', label: "match creators to their audience's category", change: { creatorStrategy: 'category_match' } },
  ],
  stream_schedule: [
    { key: 'keep', label: 'keep the schedule', change: { streamSlot: 'keep' } },
    { key: 'morning', label: 'move streams to the morning', change: { streamSlot: 'morning' } },
    { key: 'afternoon', label: 'move streams to the afternoon', change: { streamSlot: 'afternoon' } },
    { key: 'evening', label: 'move streams to the evening', change: { streamSlot: 'evening' } },
  ],
  payout_frequency: [
    { key: 'weekly', label: 'pay creators weekly', change: { payoutEveryDays: 7 } },
    { key: 'biweekly', label: 'pay creators every two weeks', change: { payoutEveryDays: 14 } },
    { key: 'monthly', label: 'pay creators monthly', change: { payoutEveryDays: 30 } },
  ],
};

/**
 * What a decision is made in. `marginPercent` is a fraction (0.25 is 25 %); money is in the
 * org unit's major units here because it only shapes features (log-scaled), never a posting.
 */
export type DecisionContext = Readonly<{
  revenue?: number;
  orders?: number;
  marginPercent?: number;
  /** Days of cash left at the current burn. */
  runwayDays?: number;
  /** Current price over the reference price (1 = at reference). */
  priceIndex?: number;
  /** Share of revenue spent on ads (0..1). */
  adSpendShare?: number;
}>;

/** The features, in order: what each dimension of a context vector means. */
export const featureNames = ['bias', 'log_revenue', 'log_orders', 'margin', 'weekday_sin', 'weekday_cos', 'runway', 'price_index', 'ad_share'] as const;
export const featureDimension = featureNames.length;

/**
 * The context as the bandits read it: bounded, roughly unit-scaled numbers (a linear model
 * learns badly from raw revenue next to a margin fraction). Missing values read as neutral.
 */
export function contextFeatures(context: DecisionContext, at: Date): Float64Array {
  const weekday = (at.getUTCDay() / 7) * 2 * Math.PI;
  return Float64Array.from([
    1,
    Math.log1p(Math.max(0, context.revenue ?? 0)) / 12,
    Math.log1p(Math.max(0, context.orders ?? 0)) / 8,
    clamp(context.marginPercent ?? 0, -1, 1),
    Math.sin(weekday),
    Math.cos(weekday),
    clamp((context.runwayDays ?? 90) / 180, 0, 2),
    clamp((context.priceIndex ?? 1) - 1, -1, 1),
    clamp(context.adSpendShare ?? 0, 0, 1),
  ]);
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, Number.isFinite(value) ? value : 0));
