import { z } from 'zod';
import type { ModelName } from './model-names.js';

/**
 * The parameters of the six models, in the shared structural form (docs/twin.md, "The
 * model"). model_registry stores one JSON object per model and version; these schemas
 * check it on the way in and out. Money is integer minor units; rates are fractions.
 */
const positive = z.number().finite().positive();
const fraction = z.number().finite().min(0).max(1);
/** Whole days, drawn uniformly from [min, max]. */
const dayRange = z.tuple([z.number().int().min(0).max(120), z.number().int().min(0).max(120)]).refine(([min, max]) => min <= max, 'must be [min, max] with min ≤ max');
const perSku = <T extends z.ZodTypeAny>(value: T) => z.record(z.string().min(1), value);

export const demandParamsSchema = z.object({
  /** Units a day each product sells at its reference price, before any lift. */
  baseBySku: perSku(z.number().finite().min(0)),
  /** The price `baseBySku` holds at; a product missing here uses its current price. */
  refPriceBySku: perSku(z.number().int().positive()),
  /** Units a day for a product with no estimate of its own. */
  defaultBase: z.number().finite().min(0),
  /** Multipliers by UTC weekday, Sunday first; mean 1. */
  season: z.array(positive).length(7),
  /** Most the ads can lift demand by (0.4 is +40 %). */
  adMax: z.number().finite().min(0).max(5),
  /** Daily ad spend (minor units) that buys 63 % of adMax: lift = adMax · (1 − e^(−spend/adHalf)). */
  adHalfMinor: positive,
  /** Gamma shape r of the day-to-day overdispersion (negative binomial); larger is calmer. */
  dispersion: z.number().finite().min(0.5).max(1000),
  /** Units in an average order. */
  unitsPerOrder: z.number().finite().min(1).max(100),
});
export type DemandParams = z.infer<typeof demandParamsSchema>;

export const pricingParamsSchema = z.object({
  /** Price elasticity of demand; negative (−1.5: 1 % dearer sells 1.5 % fewer units). */
  elasticityBySku: perSku(z.number().finite().min(-10).max(0)),
  elasticityByCategory: z.record(z.string().min(1), z.number().finite().min(-10).max(0)),
  defaultElasticity: z.number().finite().min(-10).max(0),
  /** Chance a competitor starts a price cut in a category on a given day. */
  competitorCutRate: fraction,
  /** Demand multiplier while a cut lasts, drawn uniformly from [min, max]. */
  cutDepthMin: fraction,
  cutDepthMax: fraction,
  cutDaysMin: z.number().int().min(1).max(60),
  cutDaysMax: z.number().int().min(1).max(60),
});
export type PricingParams = z.infer<typeof pricingParamsSchema>;

export const creatorParamsSchema = z.object({
  /** Demand lift per converting viewer: lift = liftPerReach · audience · conversion (a fraction). */
  liftPerReach: z.number().finite().min(0),
  /**
   * Lift creators add every day by streaming on their own (streams the shop does not
   * schedule), by category. Empty in the priors, whose base demand already includes it.
   */
  houseLiftByCategory: z.record(z.string().min(1), z.number().finite().min(0)),
  /** Spread (log-normal σ) of a stream day's turnout around its expectation. */
  turnoutSigma: z.number().finite().min(0).max(3),
});
export type CreatorParams = z.infer<typeof creatorParamsSchema>;

export const fraudScoringSchema = z.object({
  intercept: z.number().finite(),
  /** Logistic weights by feature name; features arrive standardised by `scales` (value / scale). */
  weights: z.record(z.string().min(1), z.number().finite()),
  scales: z.record(z.string().min(1), positive),
});
export type FraudScoring = z.infer<typeof fraudScoringSchema>;

export const fraudParamsSchema = z.object({
  /** Share of orders that are fraudulent. */
  fraudRate: fraction,
  /** Share of fraudulent orders that come back as chargebacks. */
  chargebackShare: fraction,
  chargebackDelayDays: dayRange,
  /** Scores an order from its features (order.placed `features`). */
  scoring: fraudScoringSchema,
});
export type FraudParams = z.infer<typeof fraudParamsSchema>;

export const payoutParamsSchema = z.object({
  /** Days between a sale and its money reaching the cash balance. */
  settlementDays: z.number().int().min(0).max(60),
  refundRateByCategory: z.record(z.string().min(1), fraction),
  defaultRefundRate: fraction,
  refundDelayDays: dayRange,
  /** Card processing: a share of each order plus a fixed fee, taken at settlement; a fee per chargeback. */
  processorFeeBps: z.number().int().min(0).max(10_000),
  processorFeeFixedMinor: z.number().int().min(0),
  chargebackFeeMinor: z.number().int().min(0),
  /** Creator commissions are paid every this many days. */
  payoutEveryDays: z.number().int().min(1).max(90),
  /** Costs that do not depend on sales (minor units a day). */
  fixedDailyCostMinor: z.number().int().min(0),
});
export type PayoutParams = z.infer<typeof payoutParamsSchema>;

export const inventoryParamsSchema = z.object({
  /** A reorder goes out when stock covers lead time + this many days of expected demand or less. */
  safetyDays: z.number().finite().min(0).max(365),
  /** It tops stock up to lead time + this many days of expected demand. */
  coverDays: z.number().finite().min(1).max(365),
  minOrderUnits: z.number().int().min(1),
  /** Arrivals come up to this many days after the lead time. */
  leadTimeJitterDays: z.number().int().min(0).max(60),
});
export type InventoryParams = z.infer<typeof inventoryParamsSchema>;

export const modelParamsSchemas = {
  demand: demandParamsSchema,
  creator: creatorParamsSchema,
  pricing: pricingParamsSchema,
  fraud: fraudParamsSchema,
  payout: payoutParamsSchema,
  inventory: inventoryParamsSchema,
} as const satisfies Record<ModelName, z.ZodTypeAny>;

export type ModelParams = Readonly<{
  demand: DemandParams;
  creator: CreatorParams;
  pricing: PricingParams;
  fraud: FraudParams;
  payout: PayoutParams;
  inventory: InventoryParams;
}>;
