import { seededRandom, type Random } from '../kernel/index.js';
import { addDays, instantOn } from './calendar.js';
import { categoryIds, type CategoryId } from './catalog-vocabulary.js';
import { expectedDemand, streamLifts, creatorLift, type CompetitorFactors } from './demand.js';
import { chance, gamma, poisson, uniform } from './draws.js';
import { endsPayoutPeriod, type DayLevers, type WorldStream } from './levers.js';
import { fraudOrders, goodOrders, type DraftOrder } from './shoppers.js';
import type { PendingClaim, Reorder, UnsettledCharge, World, WorldState } from './state.js';
import { statementLine, type ProcessorStatement, type ProcessorStatementLine } from './statements.js';
import type { WorldEvent } from './world-events.js';

/** What a day adds up to, in the shop's own terms (money in minor units). */
export type DaySummary = Readonly<{
  date: string;
  dayIndex: number;
  orders: number;
  fraudOrders: number;
  unitsSold: number;
  revenueMinor: number;
  refundsMinor: number;
  chargebacks: number;
  chargebacksMinor: number;
  commissionsMinor: number;
  payoutsMinor: number;
  adSpendMinor: number;
  costOfGoodsSoldMinor: number;
  reorderSpendMinor: number;
  feesMinor: number;
  cashMinor: number;
  stockouts: number;
  events: number;
}>;

/** Ground truth of the day, for tests and benchmarks only: never posted. */
export type DayTruth = Readonly<{
  /** Noise-free λ per product (catalog order). */
  expectedUnits: readonly number[];
  /** Units asked for (the noisy draw, before stock limits) and units sold, per product. */
  unitsDemanded: readonly number[];
  unitsSold: readonly number[];
  competitorFactors: CompetitorFactors;
  fraudulentOrderIds: readonly string[];
  /** Revenue of good orders only (fraud revenue comes back as chargebacks). */
  goodRevenueMinor: number;
}>;

export type DayResult = Readonly<{
  events: readonly WorldEvent[];
  state: WorldState;
  summary: DaySummary;
  statement: ProcessorStatement;
  truth: DayTruth;
}>;

type Timed = { secondOfDay: number; build: (key: string) => WorldEvent };

const runwayCapDays = 3650;

/** The random stream a day runs on: one per world seed and date, so any day can be re-run alone. */
export function dayRandom(seed: string, date: string): Random {
  return seededRandom(`world:day:${seed}:${date}`);
}

/**
 * Simulates one day: stock arrives, shoppers and fraudsters order, claims fall due, money
 * settles, creators earn and are paid, stock is reordered. Returns the day's events in
 * time order, each with a stable idempotency key (`world:<seed>:<date>:<n>`), and the next
 * state. Same world, state, levers and random stream: the same result, event for event.
 */
export function stepWorld(world: World, state: WorldState, levers: DayLevers, random: Random): DayResult {
  const { catalog, truth } = world;
  const date = state.date;
  const currency = catalog.currency;
  // One base draw, then a stream per purpose (and per product): a lever that changes how
  // many numbers one purpose uses leaves the others' numbers as they were.
  const base = random.int(0, 0xffff_ffff);
  const stream = (label: string) => seededRandom(`${label}:${base}`);

  const stock: Record<string, number> = { ...state.stock };
  const onOrder: Reorder[] = [];
  for (const reorder of state.onOrder) {
    if (reorder.arrives <= date) stock[reorder.sku] = (stock[reorder.sku] ?? 0) + reorder.quantity;
    else onOrder.push(reorder);
  }
  const { cuts: competitorCuts, factors } = competitorMoves(stream('competitors'), world, state, date);
  const expected = expectedDemand(truth, levers, date, factors);
  const lifts = streamLifts(truth, levers);
  const streamsByCategory = groupStreams(levers.streams, (handle) => creatorLift(truth, handle));

  const drafts: DraftOrder[] = [];
  const unitsDemanded: number[] = [];
  const unitsSold: number[] = [];
  const priceOf = (sku: string, refPrice: number) => levers.pricesMinor[sku] ?? refPrice;
  truth.products.forEach((p, i) => {
    const demandRandom = stream(`demand:${p.sku}`);
    const multiplier = gamma(demandRandom, truth.dispersion) / truth.dispersion;
    const demanded = poisson(demandRandom, (expected[i] ?? 0) * multiplier);
    const sold = Math.min(demanded, stock[p.sku] ?? 0);
    stock[p.sku] = (stock[p.sku] ?? 0) - sold;
    unitsDemanded.push(demanded);
    unitsSold.push(sold);
    const streams = (lifts[p.category] ?? 0) > 0 ? (streamsByCategory.get(p.category) ?? []) : [];
    drafts.push(...goodOrders(stream(`orders:${p.sku}`), truth, { sku: p.sku, units: sold, unitPriceMinor: priceOf(p.sku, p.refPriceMinor), streams }));
  });
  const fraudProducts = truth.products.map((p) => ({ sku: p.sku, unitPriceMinor: priceOf(p.sku, p.refPriceMinor), inStock: stock[p.sku] ?? 0 }));
  drafts.push(
    ...fraudOrders(stream('fraud'), truth, {
      goodOrderCount: drafts.length,
      products: fraudProducts,
      takeStock: (index, wanted) => {
        const product = fraudProducts[index];
        if (!product) return 0;
        const taken = Math.min(wanted, stock[product.sku] ?? 0);
        stock[product.sku] = (stock[product.sku] ?? 0) - taken;
        product.inStock -= taken;
        const at = truth.products.findIndex((p) => p.sku === product.sku);
        unitsSold[at] = (unitsSold[at] ?? 0) + taken;
        return taken;
      },
    }),
  );
  // Orders are numbered in the order they were placed.
  drafts.sort((a, b) => a.secondOfDay - b.secondOfDay);
  const compactDate = date.replaceAll('-', '');
  const orders = drafts.map((draft, n) => ({ ...draft, orderId: `w${world.seed}-${compactDate}-${n + 1}`, totalMinor: draft.quantity * draft.unitPriceMinor }));

  const timed: Timed[] = [];
  const claimRandom = stream('claims');
  const claims: PendingClaim[] = [];
  const unsettled: UnsettledCharge[] = [];
  const earnings: Record<string, number> = { ...state.creatorEarnings };
  const unitCost = new Map(catalog.products.map((p) => [p.sku, p.unitCostMinor]));
  const categoryOf = new Map(truth.products.map((p) => [p.sku, p.category]));
  let revenueMinor = 0;
  let goodRevenueMinor = 0;
  let commissionsMinor = 0;
  let costOfGoodsSoldMinor = 0;
  let orderFeesMinor = 0;
  for (const order of orders) {
    revenueMinor += order.totalMinor;
    if (!order.fraudulent) goodRevenueMinor += order.totalMinor;
    costOfGoodsSoldMinor += order.quantity * (unitCost.get(order.sku) ?? 0);
    const feeMinor = processorFee(world, order.totalMinor);
    orderFeesMinor += feeMinor;
    unsettled.push({ settles: addDays(date, truth.settlementDays), orderId: order.orderId, amountMinor: order.totalMinor, feeMinor });
    if (order.stream) {
      const creator = truth.creators.find((c) => c.handle === order.stream?.creatorHandle);
      const commission = Math.floor((order.totalMinor * (creator?.commissionBps ?? 0)) / 10_000);
      earnings[order.stream.creatorHandle] = (earnings[order.stream.creatorHandle] ?? 0) + commission;
      commissionsMinor += commission;
    }
    claims.push(...claimsFor(claimRandom, world, order, date, categoryOf.get(order.sku)));
    timed.push({
      secondOfDay: order.secondOfDay,
      build: (key) => ({
        type: 'order.placed',
        idempotencyKey: key,
        occurredAt: instantOn(date, order.secondOfDay),
        payload: {
          orderId: order.orderId,
          sku: order.sku,
          quantity: order.quantity,
          unitPriceMinor: order.unitPriceMinor,
          currency,
          customerRef: order.customerRef,
          ...(order.stream ? { creatorHandle: order.stream.creatorHandle, streamId: order.stream.streamId } : {}),
          features: order.features,
        },
      }),
    });
  }

  // Claims decided on earlier days that arrive today.
  const statementLines: ProcessorStatementLine[] = [];
  const laterClaims: PendingClaim[] = [];
  const timeRandom = stream('times');
  let refundsMinor = 0;
  let chargebacksMinor = 0;
  let chargebacks = 0;
  for (const claim of [...state.claims, ...claims]) {
    if (claim.due > date) {
      laterClaims.push(claim);
      continue;
    }
    const secondOfDay = timeRandom.int(6 * 3600, 22 * 3600);
    if (claim.kind === 'refund') refundsMinor += claim.amountMinor;
    else {
      chargebacksMinor += claim.amountMinor;
      chargebacks += 1;
    }
    statementLines.push(statementLine(claim.kind, claim.orderId, { currency, amountMinor: -claim.amountMinor, date }));
    timed.push({
      secondOfDay,
      build: (key) => ({
        type: claim.kind === 'refund' ? 'order.refunded' : 'chargeback.received',
        idempotencyKey: key,
        occurredAt: instantOn(date, secondOfDay),
        payload: { orderId: claim.orderId, amountMinor: claim.amountMinor, currency, reason: claim.reason },
      }),
    });
  }

  // The processor pays out charges whose settlement day has come, less their fees.
  const stillUnsettled: UnsettledCharge[] = [];
  const chargeLines: ProcessorStatementLine[] = [];
  let settledMinor = 0;
  let settledFeesMinor = 0;
  for (const charge of [...state.unsettled, ...unsettled]) {
    if (charge.settles > date) {
      stillUnsettled.push(charge);
      continue;
    }
    settledMinor += charge.amountMinor;
    settledFeesMinor += charge.feeMinor;
    chargeLines.push(statementLine('charge', charge.orderId, { currency, amountMinor: charge.amountMinor, date }));
  }
  const disputeFeesMinor = chargebacks * truth.chargebackFeeMinor;
  if (settledFeesMinor + disputeFeesMinor > 0) {
    statementLines.push(statementLine('fees', date, { currency, amountMinor: -(settledFeesMinor + disputeFeesMinor), date }));
  }

  for (const s of levers.streams) timed.push(...streamEvents(timeRandom, world, s, date));

  // Creators are paid what they earned when their payout period ends.
  let payoutsMinor = 0;
  let creatorEarnings = earnings;
  let periodStart = state.periodStart;
  if (endsPayoutPeriod(state.dayIndex, levers.payoutEveryDays)) {
    const from = state.periodStart;
    for (const [handle, amountMinor] of Object.entries(earnings).sort(([a], [b]) => a.localeCompare(b))) {
      if (amountMinor <= 0) continue;
      payoutsMinor += amountMinor;
      timed.push({
        secondOfDay: 23 * 3600,
        build: (key) => ({
          type: 'payout.due',
          idempotencyKey: key,
          occurredAt: instantOn(date, 23 * 3600),
          payload: { creatorHandle: handle, periodStart: from, periodEnd: date, amountMinor, currency },
        }),
      });
    }
    creatorEarnings = {};
    periodStart = addDays(date, 1);
  }

  const { reorders, reorderSpendMinor, salesAverage } = reorderStock(world, state, { stock, onOrder, unitsSold, unitsDemanded, date });
  const stockouts = truth.products.filter((p) => (stock[p.sku] ?? 0) === 0).length;

  const feesMinor = settledFeesMinor + disputeFeesMinor;
  const paidOutMinor = refundsMinor + chargebacksMinor + feesMinor + levers.adSpendMinor + truth.fixedDailyCostMinor + reorderSpendMinor + payoutsMinor;
  const cashMinor = state.cashMinor + settledMinor - paidOutMinor;
  const recentCostsMinor = [...state.recentCostsMinor, paidOutMinor].slice(-7);
  const averageCost = recentCostsMinor.reduce((s, c) => s + c, 0) / recentCostsMinor.length;
  const runwayDays = cashMinor <= 0 ? 0 : averageCost <= 0 ? runwayCapDays : Math.min(runwayCapDays, Math.round((cashMinor / averageCost) * 10) / 10);
  const contributionMinor = revenueMinor - costOfGoodsSoldMinor - commissionsMinor - orderFeesMinor - levers.adSpendMinor;
  const marginPercent = revenueMinor > 0 ? Math.max(-10, Math.min(1, Math.round((contributionMinor / revenueMinor) * 10_000) / 10_000)) : 0;
  timed.push({
    secondOfDay: 86_399,
    build: (key) => ({
      type: 'metrics.snapshot',
      idempotencyKey: key,
      occurredAt: instantOn(date, 86_399),
      payload: { revenueMinor, orders: orders.length, marginPercent, cashMinor, runwayDays },
    }),
  });

  // A stable sort: same-second events keep the order they were produced in.
  const events = timed
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.secondOfDay - b.t.secondOfDay || a.i - b.i)
    .map(({ t }, n) => t.build(`world:${world.seed}:${date}:${n + 1}`));

  const next: WorldState = {
    startDate: state.startDate,
    date: addDays(date, 1),
    dayIndex: state.dayIndex + 1,
    stock,
    onOrder: [...onOrder, ...reorders],
    salesAverage,
    competitorCuts,
    claims: laterClaims,
    unsettled: stillUnsettled,
    cashMinor,
    creatorEarnings,
    periodStart,
    recentCostsMinor,
  };
  const fraudulentOrderIds = orders.filter((o) => o.fraudulent).map((o) => o.orderId);
  return {
    events,
    state: next,
    statement: { periodStart: date, periodEnd: date, lines: [...chargeLines, ...statementLines] },
    summary: {
      date,
      dayIndex: state.dayIndex,
      orders: orders.length,
      fraudOrders: fraudulentOrderIds.length,
      unitsSold: unitsSold.reduce((s, u) => s + u, 0),
      revenueMinor,
      refundsMinor,
      chargebacks,
      chargebacksMinor,
      commissionsMinor,
      payoutsMinor,
      adSpendMinor: levers.adSpendMinor,
      costOfGoodsSoldMinor,
      reorderSpendMinor,
      feesMinor,
      cashMinor,
      stockouts,
      events: events.length,
    },
    truth: { expectedUnits: expected, unitsDemanded, unitsSold, competitorFactors: factors, fraudulentOrderIds, goodRevenueMinor },
  };
}

function processorFee(world: World, amountMinor: number): number {
  return Math.round((amountMinor * world.truth.processorFeeBps) / 10_000) + world.truth.processorFeeFixedMinor;
}

/**
 * Competitors cut prices now and then, category by category: a cut lasts a few days. The
 * draws are made every day for every category, so whether a cut starts never shifts
 * another category's numbers.
 */
function competitorMoves(random: Random, world: World, state: WorldState, date: string) {
  const { competitor } = world.truth;
  const cuts: Partial<Record<CategoryId, { factor: number; through: string }>> = {};
  const factors: Partial<Record<CategoryId, number>> = {};
  for (const category of categoryIds) {
    const starts = chance(random, competitor.dailyProbability);
    const factor = uniform(random, competitor.factor[0], competitor.factor[1]);
    const days = random.int(competitor.durationDays[0], competitor.durationDays[1]);
    const running = state.competitorCuts[category];
    const cut = running && running.through >= date ? running : starts ? { factor, through: addDays(date, days - 1) } : undefined;
    if (cut) {
      cuts[category] = cut;
      factors[category] = cut.factor;
    }
  }
  return { cuts, factors: factors as CompetitorFactors };
}

function groupStreams(streams: readonly WorldStream[], liftOf: (handle: string) => number) {
  const byCategory = new Map<CategoryId, { stream: WorldStream; lift: number }[]>();
  for (const stream of streams) {
    const list = byCategory.get(stream.category) ?? [];
    list.push({ stream, lift: liftOf(stream.creatorHandle) });
    byCategory.set(stream.category, list);
  }
  return byCategory;
}

function claimsFor(
  random: Random,
  world: World,
  order: { orderId: string; fraudulent: boolean; totalMinor: number; quantity: number; unitPriceMinor: number },
  date: string,
  category: CategoryId | undefined,
): PendingClaim[] {
  const { fraud, refunds } = world.truth;
  // Draw every number every time, so an order's claims do not shift the next order's.
  const disputes = chance(random, order.fraudulent ? fraud.chargebackProbability : fraud.friendlyChargebackShare);
  const chargebackDelay = random.int(fraud.chargebackDelayDays[0], fraud.chargebackDelayDays[1]);
  const refunded = chance(random, category ? refunds.rateByCategory[category] : 0);
  const refundDelay = random.int(refunds.delayDays[0], refunds.delayDays[1]);
  const wholeOrder = chance(random, 0.7);
  if (disputes) {
    const reason = order.fraudulent ? 'fraudulent: cardholder did not authorise' : 'product not received';
    return [{ due: addDays(date, chargebackDelay), kind: 'chargeback', orderId: order.orderId, amountMinor: order.totalMinor, reason }];
  }
  if (!order.fraudulent && refunded && order.totalMinor > 0) {
    const amountMinor = wholeOrder || order.quantity === 1 ? order.totalMinor : order.unitPriceMinor;
    return [{ due: addDays(date, refundDelay), kind: 'refund', orderId: order.orderId, amountMinor, reason: wholeOrder ? 'returned' : 'one item returned' }];
  }
  return [];
}

function streamEvents(random: Random, world: World, stream: WorldStream, date: string): Timed[] {
  const start = stream.startMinute * 60;
  const end = Math.min(86_399, start + stream.durationMinutes * 60);
  const creator = world.truth.creators.find((c) => c.handle === stream.creatorHandle);
  const peakViewers = Math.round((creator?.audience ?? 0) * uniform(random, 0.02, 0.08));
  const products = world.catalog.products.filter((p) => p.category === stream.category);
  const featured = products.length > 0 ? random.pick(products) : undefined;
  const requestAt = Math.max(0, start - 2 * 3600);
  return [
    ...(featured
      ? [
          {
            secondOfDay: requestAt,
            build: (key: string): WorldEvent => ({
              type: 'content.requested',
              idempotencyKey: key,
              occurredAt: instantOn(date, requestAt),
              payload: { sku: featured.sku, channel: 'stream_script', brief: `Script for "${stream.title}" featuring ${featured.name}` },
            }),
          },
        ]
      : []),
    {
      secondOfDay: start,
      build: (key) => ({
        type: 'stream.started',
        idempotencyKey: key,
        occurredAt: instantOn(date, start),
        payload: { streamId: stream.streamId, creatorHandle: stream.creatorHandle, title: stream.title },
      }),
    },
    {
      secondOfDay: end,
      build: (key) => ({
        type: 'stream.ended',
        idempotencyKey: key,
        occurredAt: instantOn(date, end),
        payload: { streamId: stream.streamId, creatorHandle: stream.creatorHandle, peakViewers },
      }),
    },
  ];
}

/**
 * The shop's stock planning: a SKU whose stock plus open orders falls below a lead time
 * and a week of recent sales is reordered up to lead time plus three weeks, paid for when
 * ordered. Days cut short by a stock-out do not count toward the sales average.
 */
function reorderStock(
  world: World,
  state: WorldState,
  day: { stock: Record<string, number>; onOrder: readonly Reorder[]; unitsSold: readonly number[]; unitsDemanded: readonly number[]; date: string },
) {
  const salesAverage: Record<string, number> = { ...state.salesAverage };
  const reorders: Reorder[] = [];
  let reorderSpendMinor = 0;
  const open = new Map<string, number>();
  for (const r of day.onOrder) open.set(r.sku, (open.get(r.sku) ?? 0) + r.quantity);
  world.catalog.products.forEach((p, i) => {
    const sold = day.unitsSold[i] ?? 0;
    const demanded = day.unitsDemanded[i] ?? 0;
    if (demanded <= sold) salesAverage[p.sku] = 0.9 * (salesAverage[p.sku] ?? 0) + 0.1 * sold;
    const average = salesAverage[p.sku] ?? 0;
    const position = (day.stock[p.sku] ?? 0) + (open.get(p.sku) ?? 0);
    if (position > average * (p.leadTimeDays + 7)) return;
    const quantity = Math.max(10, Math.ceil(average * (p.leadTimeDays + 21)) - position);
    reorders.push({ sku: p.sku, quantity, arrives: addDays(day.date, Math.max(1, p.leadTimeDays)) });
    reorderSpendMinor += quantity * p.unitCostMinor;
  });
  return { reorders, reorderSpendMinor, salesAverage };
}
