import type { CommonQueryMethods } from 'slonik';
import { totalDailyAdBudgets } from '../../db/queries/ad-budgets.js';
import { listActiveModelVersions } from '../../db/queries/model-registry.js';
import { findOrgUnit } from '../../db/queries/org-units.js';
import { listStreamsStartingBetween } from '../../db/queries/streams.js';
import { latestCash, latestEventTime, listTwinCreators, listTwinProducts, payoutPosition, salesBySku, type TwinProductRow } from '../../db/queries/twin-inputs.js';
import {
  maxDurationDays,
  modelNames,
  modelParamsSchemas,
  noSales,
  priorParams,
  type ModelName,
  type ModelParams,
  type ModelVersions,
  type RecentSales,
  type ShopState,
  type TwinStream,
} from '../../engine/twin/index.js';
import { notFound } from '../errors/catalog.js';

/** What a simulation starts from: the shop now, its models' parameters, and what to tell the reader about both. */
export type ShopReading = Readonly<{ state: ShopState; params: ModelParams; versions: ModelVersions; calibrated: boolean; notes: readonly string[] }>;

const dayMs = 86_400_000;
/** Days of history the priors are taken from. */
export const priorWindowDays = 28;

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dateMs = (date: string) => Date.parse(`${date}T00:00:00Z`);

/**
 * Reads the shop from the database. The first simulated day is the shop's own "today":
 * the day after its newest metrics.snapshot (a snapshot closes its day), else the day of
 * its newest order, else the clock's date, so a shop that runs in accelerated time is
 * simulated from where its events are, not from the wall clock.
 */
export async function readShop(db: CommonQueryMethods, orgUnitId: string, now: number): Promise<ShopReading> {
  // Independent reads go together: on a pool of connections they overlap.
  const [org, cash, productRows, creators, budgets, payout, active] = await Promise.all([
    findOrgUnit(db, orgUnitId),
    latestCash(db, orgUnitId),
    listTwinProducts(db, orgUnitId),
    listTwinCreators(db, orgUnitId),
    totalDailyAdBudgets(db, orgUnitId),
    payoutPosition(db, orgUnitId),
    listActiveModelVersions(db, orgUnitId),
  ]);
  if (!org) throw notFound(`Org unit ${orgUnitId}`);
  const notes: string[] = [];
  const lastOrder = cash ? null : await latestEventTime(db, { orgUnitId, type: 'order.placed' });
  const startDate = cash ? utcDate(dateMs(utcDate(cash.occurred_at.getTime())) + dayMs) : utcDate(lastOrder?.getTime() ?? now);
  const start = dateMs(startDate);

  const products = productRows.filter((p) => p.currency === org.currency);
  if (products.length < productRows.length) notes.push(`${productRows.length - products.length} products priced in another currency than ${org.currency} are left out`);
  const [streams, sales] = await Promise.all([
    listStreamsStartingBetween(db, { orgUnitId, from: new Date(start), to: new Date(start + maxDurationDays * dayMs) }),
    recentSales(db, orgUnitId, start, productRows),
  ]);
  const creatorByHandle = new Map(creators.map((c) => [c.handle, c.id]));
  const scheduled: TwinStream[] = streams.flatMap((s) => {
    const creatorId = creatorByHandle.get(s.creator_handle);
    return creatorId ? [{ id: s.id, creatorId, day: Math.floor((s.scheduled_start.getTime() - start) / dayMs), categories: s.categories }] : [];
  });

  const state: ShopState = {
    orgUnitId,
    currency: org.currency,
    startDate,
    products: products.map((p) => ({ id: p.id, sku: p.sku, category: p.category, priceMinor: p.price_minor, unitCostMinor: p.unit_cost_minor, stock: p.stock, leadTimeDays: p.lead_time_days })),
    creators: creators.map((c) => ({ id: c.id, handle: c.handle, audience: c.audience, conversionBps: c.conversion_bps, commissionBps: c.commission_bps })),
    streams: scheduled,
    adSpendDailyMinor: budgets.find((b) => b.currency === org.currency)?.total_minor ?? 0,
    cashMinor: cash?.cash_minor ?? null,
    daysToNextPayout: null,
    accruedCommissionsMinor: payout.accrued_minor,
  };
  const priors = priorParams(state, sales);
  const { params, versions } = activeParams(active, priors, notes);
  const every = params.payout.payoutEveryDays;
  const withPayout: ShopState = { ...state, daysToNextPayout: payout.last_period_end === null ? null : daysToNext(payout.last_period_end, startDate, every) };

  if (cash === null) notes.push('no metrics.snapshot yet: cash starts at 0 and runway is not forecast');
  if (sales.units === 0) notes.push(`no orders in the last ${priorWindowDays} days: demand priors are the documented defaults`);
  const calibrated = modelNames.some((model) => versions[model] > 0);
  if (!calibrated) notes.push('no model is calibrated yet: every model runs on its priors (version 0)');
  return { state: withPayout, params, versions, calibrated, notes };
}

/** The active calibrated version of each model; the prior for models without one. */
function activeParams(rows: readonly { model: string; version: number; params: Record<string, unknown> }[], priors: ModelParams, notes: string[]) {
  const params: Record<ModelName, unknown> = { ...priors };
  const versions = Object.fromEntries(modelNames.map((model) => [model, 0])) as Record<ModelName, number>;
  for (const row of rows) {
    const model = modelNames.find((name) => name === row.model);
    if (!model) continue;
    const parsed = modelParamsSchemas[model].safeParse(row.params);
    if (!parsed.success) {
      notes.push(`${model} v${row.version} no longer fits the model's parameters; its prior is used instead`);
      continue;
    }
    params[model] = parsed.data;
    versions[model] = row.version;
  }
  return { params: params as ModelParams, versions: versions as ModelVersions };
}

async function recentSales(db: CommonQueryMethods, orgUnitId: string, start: number, products: readonly TwinProductRow[]): Promise<RecentSales> {
  const toDay = utcDate(start);
  const bySku = await salesBySku(db, { orgUnitId, fromDay: utcDate(start - priorWindowDays * dayMs), toDay, asOfDay: toDay });
  if (bySku.length === 0) return noSales;
  // A shop younger than the window is averaged over the days it has traded.
  const first = Math.min(...bySku.map((row) => dateMs(row.first_day)));
  const traded = Math.max(1, Math.round((start - first) / dayMs));
  // Claims are read by the category of a product in the catalog; others have no category.
  const categoryOf = new Map(products.map((p) => [p.sku, p.category]));
  const refundsByCategory: Record<string, { orders: number; refunds: number }> = {};
  let orders = 0;
  let units = 0;
  let chargebacks = 0;
  for (const row of bySku) {
    orders += row.orders;
    units += row.units;
    const category = categoryOf.get(row.sku);
    if (category === undefined) continue;
    const sums = (refundsByCategory[category] ??= { orders: 0, refunds: 0 });
    sums.orders += row.orders;
    sums.refunds += row.refunds;
    chargebacks += row.chargebacks;
  }
  return {
    windowDays: Math.min(priorWindowDays, traded),
    unitsBySku: Object.fromEntries(bySku.map((row) => [row.sku, row.units])),
    orders,
    units,
    refundsByCategory,
    chargebacks,
  };
}

/** Days from `startDate` to the next payout, which falls `every` days after the last period's end. */
function daysToNext(lastPeriodEnd: string, startDate: string, every: number): number {
  const since = Math.round((dateMs(startDate) - dateMs(lastPeriodEnd)) / dayMs);
  return (((every - since) % every) + every) % every;
}
