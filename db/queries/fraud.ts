import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { fraudModelSchema, type FraudModel } from '../../engine/fraud/index.js';
import { orderStatuses } from './orders.js';

/**
 * Fraud detection's rows (db/migrations/013_payout_fraud.sql): scored orders, the org
 * unit's fraud model, and labelled outcomes.
 */

const featureValue = z.union([z.number(), z.string(), z.boolean()]);
export const orderFeatures = z.record(z.string(), featureValue);

export const scoredOrderRow = z.object({
  id: z.string().uuid(),
  external_id: z.string(),
  status: z.enum(orderStatuses),
  total_minor: z.number().int(),
  currency: z.string(),
  features: orderFeatures,
  fraud_score: z.number().nullable(),
});
export type ScoredOrderRow = z.infer<typeof scoredOrderRow>;

export type NewScoredOrder = Readonly<{
  orgUnitId: string;
  externalId: string;
  sku: string;
  creatorHandle: string | null;
  customerRef: string;
  quantity: number;
  currency: string;
  unitPriceMinor: number;
  features: Readonly<Record<string, unknown>>;
  score: number;
  modelVersion: number;
  placedAt: Date;
}>;

/**
 * Records a placed order with its score, once per external id (a repeat returns the row as
 * first recorded). Null when the SKU is not in the org unit's catalog.
 */
export async function recordScoredOrder(db: CommonQueryMethods, order: NewScoredOrder): Promise<ScoredOrderRow | null> {
  return db.maybeOne(sql.type(scoredOrderRow)`
    WITH inserted AS (
      INSERT INTO orders (org_unit_id, external_id, product_id, creator_id, customer_ref, quantity, currency, unit_price_minor, total_minor,
                          features, fraud_score, fraud_model_version, placed_at)
      SELECT ${order.orgUnitId}, ${order.externalId}, p.id,
             (SELECT c.id FROM creators c WHERE c.org_unit_id = ${order.orgUnitId} AND c.handle = ${order.creatorHandle}),
             ${order.customerRef}, ${order.quantity}, ${order.currency}, ${order.unitPriceMinor}, ${order.quantity * order.unitPriceMinor},
             ${JSON.stringify(order.features)}::jsonb, ${order.score}, ${order.modelVersion}, ${sql.timestamp(order.placedAt)}
        FROM products p WHERE p.org_unit_id = ${order.orgUnitId} AND p.sku = ${order.sku}
      ON CONFLICT (org_unit_id, external_id) DO NOTHING
      RETURNING id, external_id, status, total_minor, currency, features, fraud_score
    )
    SELECT * FROM inserted
    UNION ALL
    SELECT id, external_id, status, total_minor, currency, features, fraud_score FROM orders
     WHERE org_unit_id = ${order.orgUnitId} AND external_id = ${order.externalId} AND NOT EXISTS (SELECT 1 FROM inserted)`);
}

export async function findOrderByExternalId(db: CommonQueryMethods, args: { orgUnitId: string; externalId: string }): Promise<ScoredOrderRow | null> {
  return db.maybeOne(sql.type(scoredOrderRow)`
    SELECT id, external_id, status, total_minor, currency, features, fraud_score FROM orders
     WHERE org_unit_id = ${args.orgUnitId} AND external_id = ${args.externalId}`);
}

export async function findScoredOrder(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<ScoredOrderRow | null> {
  return db.maybeOne(sql.type(scoredOrderRow)`
    SELECT id, external_id, status, total_minor, currency, features, fraud_score FROM orders
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

const storedModel = z.object({ model: z.unknown() });

/** The org unit's fraud model; `lock` holds the row so concurrent learners queue. Null before it first learns. */
export async function findFraudModel(db: CommonQueryMethods, args: { orgUnitId: string; lock?: boolean }): Promise<FraudModel | null> {
  const row = await db.maybeOne(sql.type(storedModel)`
    SELECT model FROM fraud_models WHERE org_unit_id = ${args.orgUnitId} ${args.lock ? sql.fragment`FOR UPDATE` : sql.fragment``}`);
  return row === null ? null : fraudModelSchema.parse(row.model);
}

export async function saveFraudModel(db: CommonQueryMethods, args: { orgUnitId: string; model: FraudModel; at: Date }): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO fraud_models (org_unit_id, version, model, updated_at)
    VALUES (${args.orgUnitId}, ${args.model.version}, ${JSON.stringify(args.model)}::jsonb, ${sql.timestamp(args.at)})
    ON CONFLICT (org_unit_id) DO UPDATE SET version = EXCLUDED.version, model = EXCLUDED.model, updated_at = EXCLUDED.updated_at`);
}

export type OutcomeLabel = 'fraud' | 'good';
export type OutcomeSource = 'chargeback' | 'release' | 'cleared';

/**
 * Labels one order. A chargeback overrides an earlier 'cleared' (a late chargeback); any
 * other repeat changes nothing. True when the label is new or changed, so it is learnt once.
 */
export async function labelOrder(
  db: CommonQueryMethods,
  args: { orgUnitId: string; orderId: string; label: OutcomeLabel; source: OutcomeSource; wasBlocked: boolean; at: Date },
): Promise<boolean> {
  const changed = await db.maybeOne(sql.type(z.object({ order_id: z.string() }))`
    INSERT INTO fraud_outcomes (org_unit_id, order_id, label, source, was_blocked, labelled_at)
    VALUES (${args.orgUnitId}, ${args.orderId}, ${args.label}, ${args.source}, ${args.wasBlocked}, ${sql.timestamp(args.at)})
    ON CONFLICT (org_unit_id, order_id) DO UPDATE SET label = EXCLUDED.label, source = EXCLUDED.source, labelled_at = EXCLUDED.labelled_at
     WHERE EXCLUDED.source = 'chargeback' AND fraud_outcomes.label <> 'fraud'
    RETURNING order_id`);
  return changed !== null;
}

export async function hasChargeback(db: CommonQueryMethods, args: { orgUnitId: string; orderId: string }): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM fraud_outcomes WHERE org_unit_id = ${args.orgUnitId} AND order_id = ${args.orderId} AND label = 'fraud'`);
}

const clearedRow = z.object({ features: orderFeatures, was_blocked: z.boolean() });

/** Labels good every scored order placed before `placedBefore` that has no label yet; returns them. */
export async function clearQuietOrders(db: CommonQueryMethods, args: { orgUnitId: string; placedBefore: Date; at: Date }): Promise<readonly z.infer<typeof clearedRow>[]> {
  return db.any(sql.type(clearedRow)`
    WITH cleared AS (
      INSERT INTO fraud_outcomes (org_unit_id, order_id, label, source, was_blocked, labelled_at)
      SELECT o.org_unit_id, o.id, 'good', 'cleared', o.status = 'blocked', ${sql.timestamp(args.at)}
        FROM orders o
       WHERE o.org_unit_id = ${args.orgUnitId} AND o.fraud_score IS NOT NULL AND o.placed_at < ${sql.timestamp(args.placedBefore)}
         AND NOT EXISTS (SELECT 1 FROM fraud_outcomes f WHERE f.org_unit_id = o.org_unit_id AND f.order_id = o.id)
      ON CONFLICT DO NOTHING
      RETURNING order_id, was_blocked
    )
    SELECT o.features, c.was_blocked FROM cleared c JOIN orders o ON o.org_unit_id = ${args.orgUnitId} AND o.id = c.order_id
     ORDER BY o.placed_at, o.id`);
}

/** Features of the most recently labelled good orders: the sample the threshold is set from. */
export async function recentGoodOrderFeatures(db: CommonQueryMethods, args: { orgUnitId: string; limit: number }): Promise<readonly z.infer<typeof orderFeatures>[]> {
  return db.anyFirst(sql.type(z.object({ features: orderFeatures }))`
    SELECT o.features FROM fraud_outcomes f JOIN orders o ON o.org_unit_id = f.org_unit_id AND o.id = f.order_id
     WHERE f.org_unit_id = ${args.orgUnitId} AND f.label = 'good'
     ORDER BY f.labelled_at DESC, o.placed_at DESC, o.id
     LIMIT ${args.limit}`);
}

export async function skuInCatalog(db: CommonQueryMethods, args: { orgUnitId: string; sku: string }): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM products WHERE org_unit_id = ${args.orgUnitId} AND sku = ${args.sku}`);
}

/** When a stored business event happened in the shop's time (its occurred_at). */
export async function eventOccurredAt(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<Date | null> {
  return db.maybeOneFirst(sql.type(z.object({ occurred_at: z.date() }))`
    SELECT occurred_at FROM events WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}
