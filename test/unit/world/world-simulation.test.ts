import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../../engine/ledger/index.js';
import { generateCatalog } from '../../../engine/world/index.js';
import {
  adLift,
  createWorld,
  expectedDemand,
  initialState,
  referenceLevers,
  simulateDay,
  simulateDays,
  statementCsv,
  type DayLevers,
  type WorldEvent,
} from '../../../engine/world/simulation.js';
import { ingestEventInput } from '../../../server/contracts/events.js';

const startDate = '2026-01-05';
const world = createWorld({ seed: 11 });
const month = simulateDays(world, { startDate, days: 30 });
const allEvents = month.days.flatMap((d) => d.events);
const ofType = <T extends WorldEvent['type']>(type: T) => allEvents.filter((e): e is Extract<WorldEvent, { type: T }> => e.type === type);

describe('the world is deterministic', () => {
  it('gives the same events for the same seed and levers, and different ones for another seed', () => {
    const again = simulateDays(createWorld({ seed: 11 }), { startDate, days: 3 });
    expect(again.days.map((d) => d.events)).toEqual(month.days.slice(0, 3).map((d) => d.events));
    const other = simulateDays(createWorld({ seed: 12 }), { startDate, days: 3 });
    expect(other.days[0]!.events).not.toEqual(month.days[0]!.events);
  });

  it('re-runs any day alone from its state, event for event', () => {
    const day = month.days[9]!;
    const before = month.days[8]!.state;
    expect(simulateDay(world, before, referenceLevers(world.catalog, world.seed, before.date)).events).toEqual(day.events);
  });

  it('keys every event world:<seed>:<date>:<n>, unique and in time order', () => {
    const keys = allEvents.map((e) => e.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const day of month.days) {
      day.events.forEach((e, i) => expect(e.idempotencyKey).toBe(`world:11:${day.summary.date}:${i + 1}`));
      const times = day.events.map((e) => e.occurredAt);
      expect(times).toEqual([...times].sort());
      expect(times.every((t) => t.startsWith(day.summary.date))).toBe(true);
    }
  });
});

describe('the events a shop would post', () => {
  it('all validate against the ingestion contract', () => {
    for (const event of allEvents) {
      const parsed = ingestEventInput.safeParse(event);
      if (!parsed.success) throw new Error(`${event.idempotencyKey}: ${parsed.error.message}`);
    }
    expect(new Set(allEvents.map((e) => e.type))).toEqual(
      new Set(['order.placed', 'order.refunded', 'chargeback.received', 'stream.started', 'stream.ended', 'payout.due', 'content.requested', 'metrics.snapshot']),
    );
  });

  it('places about 1,000 to 3,000 orders a day with whole-cent money', () => {
    const orders = month.days.map((d) => d.summary.orders);
    const mean = orders.reduce((s, n) => s + n, 0) / orders.length;
    expect(mean).toBeGreaterThan(1_000);
    expect(mean).toBeLessThan(3_000);
    for (const e of ofType('order.placed')) {
      expect(Number.isSafeInteger(e.payload.unitPriceMinor)).toBe(true);
      expect(e.payload.quantity).toBeGreaterThanOrEqual(1);
    }
    for (const d of month.days) for (const [k, v] of Object.entries(d.summary)) if (k.endsWith('Minor')) expect(Number.isSafeInteger(v)).toBe(true);
  });

  it('has a fraud share near the truth, and chargebacks 3 to 20 days after their orders', () => {
    const orders = month.days.reduce((s, d) => s + d.summary.orders, 0);
    const fraud = month.days.reduce((s, d) => s + d.summary.fraudOrders, 0);
    expect(fraud / orders).toBeGreaterThan(0.01);
    expect(fraud / orders).toBeLessThan(0.035);
    expect(Math.abs(fraud / orders - world.truth.fraud.orderShare)).toBeLessThan(0.006);
    const placed = new Map(ofType('order.placed').map((e) => [e.payload.orderId, e.occurredAt.slice(0, 10)]));
    const fraudulent = new Set(month.days.flatMap((d) => d.truth.fraudulentOrderIds));
    const chargebacks = ofType('chargeback.received');
    expect(chargebacks.length).toBeGreaterThan(0);
    for (const c of chargebacks) {
      const delay = (Date.parse(c.occurredAt.slice(0, 10)) - Date.parse(placed.get(c.payload.orderId)!)) / 86_400_000;
      expect(delay).toBeGreaterThanOrEqual(3);
      expect(delay).toBeLessThanOrEqual(20);
    }
    // Orders of the first week have had 20 days for their chargebacks to arrive.
    const firstWeek = month.days.slice(0, 7).flatMap((d) => d.truth.fraudulentOrderIds);
    const chargedBack = new Set(chargebacks.map((c) => c.payload.orderId));
    const share = firstWeek.filter((id) => chargedBack.has(id)).length / firstWeek.length;
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThanOrEqual(1);
    // Fraud looks different: new accounts and mismatched countries are far more common.
    const features = ofType('order.placed').map((e) => ({ fraud: fraudulent.has(e.payload.orderId), f: e.payload.features }));
    const rate = (fraud: boolean, test: (f: Record<string, unknown>) => boolean) => {
      const group = features.filter((x) => x.fraud === fraud);
      return group.filter((x) => test(x.f)).length / group.length;
    };
    expect(rate(true, (f) => (f.accountAgeDays as number) < 7)).toBeGreaterThan(3 * rate(false, (f) => (f.accountAgeDays as number) < 7));
    expect(rate(true, (f) => f.countryMismatch === true)).toBeGreaterThan(5 * rate(false, (f) => f.countryMismatch === true));
  });

  it('refunds 1 to 14 days after the order, never more than was paid', () => {
    const placed = new Map(ofType('order.placed').map((e) => [e.payload.orderId, e]));
    const refunds = ofType('order.refunded');
    expect(refunds.length).toBeGreaterThan(0);
    for (const r of refunds) {
      const order = placed.get(r.payload.orderId)!;
      const delay = (Date.parse(r.occurredAt.slice(0, 10)) - Date.parse(order.occurredAt.slice(0, 10))) / 86_400_000;
      expect(delay).toBeGreaterThanOrEqual(1);
      expect(delay).toBeLessThanOrEqual(14);
      expect(r.payload.amountMinor).toBeLessThanOrEqual(order.payload.quantity * order.payload.unitPriceMinor);
    }
  });

  it('pays creators for the stream orders of each week', () => {
    const payouts = ofType('payout.due');
    expect(payouts.length).toBeGreaterThan(0);
    expect(new Set(payouts.map((p) => p.payload.periodEnd))).toEqual(new Set(['2026-01-11', '2026-01-18', '2026-01-25', '2026-02-01']));
    const attributed = ofType('order.placed').filter((e) => e.payload.creatorHandle !== undefined);
    expect(attributed.length).toBeGreaterThan(0);
    expect(new Set(payouts.map((p) => p.payload.creatorHandle)).size).toBeGreaterThan(1);
  });

  it('writes a processor statement the reconciliation import reads', () => {
    const day = month.days[5]!;
    const lines = parseStatement('csv', statementCsv(day.statement));
    expect(lines).toHaveLength(day.statement.lines.length);
    const settled = lines.filter((l) => l.reference.startsWith('charge:')).reduce((s, l) => s + l.amountMinor, 0);
    expect(settled).toBe(month.days[3]!.summary.revenueMinor);
    expect(lines.some((l) => l.reference === `fees:${day.summary.date}` && l.amountMinor < 0)).toBe(true);
  });
});

describe('demand follows the true form', () => {
  it('responds to price as the true elasticity says (log-log fit on simulated days)', () => {
    // Alternate the prices of one category between 0.8x and 1.25x the catalog price, day by
    // day, and fit the slope of log units between the two levels.
    const category = 'beauty';
    const skus = world.truth.products.filter((p) => p.category === category);
    const leversAt = (factor: number, date: string): DayLevers => ({
      ...referenceLevers(world.catalog, world.seed, date),
      streams: [],
      pricesMinor: Object.fromEntries(skus.map((p) => [p.sku, Math.round(p.refPriceMinor * factor)])),
    });
    const factorOf = (dayIndex: number) => (dayIndex % 2 === 0 ? 0.8 : 1.25);
    const run = simulateDays(world, { startDate, days: 84, levers: (s) => leversAt(factorOf(s.dayIndex), s.date) });
    const units = { low: 0, high: 0 };
    const expected = { low: 0, high: 0 };
    run.days.forEach((d, i) => {
      const side = factorOf(i) === 0.8 ? 'low' : 'high';
      world.truth.products.forEach((p, j) => {
        if (p.category !== category) return;
        units[side] += d.truth.unitsDemanded[j]!;
        expected[side] += expectedDemand(world.truth, leversAt(factorOf(i), d.summary.date), d.summary.date)[j]!;
      });
    });
    const fitted = Math.log(units.high / units.low) / Math.log(1.25 / 0.8);
    const truthSlope = Math.log(expected.high / expected.low) / Math.log(1.25 / 0.8);
    expect(truthSlope).toBeLessThan(-0.6);
    expect(Math.abs(fitted - truthSlope)).toBeLessThan(0.15);
  });

  it('multiplies λ by (price ratio)^elasticity, and ads lift it with diminishing returns', () => {
    const levers = referenceLevers(world.catalog, world.seed, startDate);
    const p = world.truth.products[0]!;
    const base = expectedDemand(world.truth, levers, startDate)[0]!;
    const doubled = expectedDemand(world.truth, { ...levers, pricesMinor: { [p.sku]: p.refPriceMinor * 2 } }, startDate)[0]!;
    expect(doubled / base).toBeCloseTo(2 ** p.elasticity, 10);
    const lifts = [0, 200_000, 400_000, 600_000, 800_000].map((spend) => adLift(world.truth, spend));
    const gains = lifts.slice(1).map((l, i) => l - lifts[i]!);
    expect(gains.every((g, i) => i === 0 || g < gains[i - 1]!)).toBe(true);
    expect(lifts[4]!).toBeLessThan(world.truth.adMax);
  });
});

describe('invariants under any levers', () => {
  const small = createWorld({ seed: 'inv', catalog: generateCatalog({ seed: 3, products: 30, creators: 6 }) });

  it('never lets stock go negative and keeps money whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.3, max: 3, noNaN: true }), { minLength: 30, maxLength: 30 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 1, max: 14 }),
        (factors, adSpendMinor, payoutEveryDays) => {
          let state = initialState(small, startDate);
          for (let i = 0; i < 8; i += 1) {
            const levers: DayLevers = {
              ...referenceLevers(small.catalog, small.seed, state.date),
              adSpendMinor,
              payoutEveryDays,
              pricesMinor: Object.fromEntries(small.catalog.products.map((p, j) => [p.sku, Math.max(1, Math.round(p.priceMinor * factors[j]!))])),
            };
            const day = simulateDay(small, state, levers);
            for (const n of Object.values(day.state.stock)) expect(n).toBeGreaterThanOrEqual(0);
            for (const e of day.events) {
              for (const [key, value] of Object.entries(e.payload)) if (key.endsWith('Minor')) expect(Number.isSafeInteger(value)).toBe(true);
            }
            expect(Number.isSafeInteger(day.state.cashMinor)).toBe(true);
            state = day.state;
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
