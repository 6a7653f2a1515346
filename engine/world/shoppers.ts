import type { Random } from '../kernel/index.js';
import { chance, poisson, weightedIndex } from './draws.js';
import type { WorldStream } from './levers.js';
import type { WorldTruth } from './truth.js';
import type { OrderFeatures } from './world-events.js';

/**
 * Who buys: good shoppers (whose units follow demand) and fraudsters (who order on top of
 * it, with telling but overlapping features). An order is a draft until the day sorts them
 * by time and numbers them.
 */
export type DraftOrder = {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  secondOfDay: number;
  customerRef: string;
  stream?: WorldStream;
  features: OrderFeatures;
  fraudulent: boolean;
};

/** Relative order volume per hour of day (UTC): quiet nights, an evening peak. */
const shopperHours = [1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3, 3.2, 3.4, 3.3, 3.2, 3.3, 3.6, 4, 4.5, 5, 5, 4.6, 3.5, 2];
/** Fraudsters favour the small hours. */
const fraudHours = [5, 5.5, 5.5, 5, 4.5, 3.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.5, 3];
const paymentMethods = ['card', 'wallet', 'bnpl'] as const;
const customerSpace = 400_000;

/** Splits the units a product sold into good orders, some of them driven by the day's streams. */
export function goodOrders(
  random: Random,
  truth: WorldTruth,
  args: { sku: string; units: number; unitPriceMinor: number; streams: readonly { stream: WorldStream; lift: number }[] },
): DraftOrder[] {
  const orders: DraftOrder[] = [];
  const totalLift = args.streams.reduce((s, x) => s + x.lift, 0);
  // Of the units demanded with streams on, the stream's share is lift / (1 + lift).
  const streamShare = totalLift / (1 + totalLift);
  let remaining = args.units;
  while (remaining > 0) {
    const quantity = Math.min(remaining, 1 + weightedIndex(random, truth.unitsPerOrder));
    remaining -= quantity;
    const attributed = totalLift > 0 && chance(random, streamShare) ? args.streams[weightedIndex(random, args.streams.map((s) => s.lift))]?.stream : undefined;
    const secondOfDay = attributed ? streamSecond(random, attributed) : hourSecond(random, shopperHours);
    orders.push({
      sku: args.sku,
      quantity,
      unitPriceMinor: args.unitPriceMinor,
      secondOfDay,
      customerRef: customerRef(random),
      ...(attributed ? { stream: attributed } : {}),
      features: goodFeatures(random, secondOfDay),
      fraudulent: false,
    });
  }
  return orders;
}

/**
 * The day's fraudulent orders: about `orderShare` of all orders, in small rings that reuse
 * one account (hence high velocity), on products weighted toward resellable value. Each
 * takes stock like any order; `takeStock` answers how many units it got.
 */
export function fraudOrders(
  random: Random,
  truth: WorldTruth,
  args: {
    goodOrderCount: number;
    products: readonly { sku: string; unitPriceMinor: number; inStock: number }[];
    takeStock: (index: number, wanted: number) => number;
  },
): DraftOrder[] {
  const share = truth.fraud.orderShare;
  let count = poisson(random, (share / (1 - share)) * args.goodOrderCount);
  const orders: DraftOrder[] = [];
  while (count > 0) {
    const ringSize = Math.min(count, 1 + weightedIndex(random, [0.5, 0.3, 0.2]));
    count -= ringSize;
    const account = customerRef(random);
    const accountAgeDays = chance(random, 0.7) ? random.int(0, 3) : establishedAge(random);
    const mismatch = chance(random, 0.55);
    const start = hourSecond(random, fraudHours);
    for (let k = 0; k < ringSize; k += 1) {
      const index = weightedIndex(random, args.products.map((p) => (p.inStock > 0 ? Math.sqrt(p.unitPriceMinor) : 0)));
      const product = args.products[index];
      if (!product || product.inStock <= 0) continue;
      const quantity = args.takeStock(index, 1 + weightedIndex(random, [0.25, 0.25, 0.2, 0.15, 0.15]));
      if (quantity <= 0) continue;
      const secondOfDay = Math.min(86_399, start + k * random.int(30, 600));
      orders.push({
        sku: product.sku,
        quantity,
        unitPriceMinor: product.unitPriceMinor,
        secondOfDay,
        customerRef: account,
        features: {
          accountAgeDays,
          customerOrders24h: ringSize + poisson(random, 1.5),
          countryMismatch: mismatch,
          hourOfDay: Math.floor(secondOfDay / 3600),
          previousOrders: chance(random, 0.8) ? 0 : poisson(random, 1),
          paymentMethod: paymentMethods[weightedIndex(random, [0.85, 0.1, 0.05])] ?? 'card',
        },
        fraudulent: true,
      });
    }
  }
  return orders;
}

function goodFeatures(random: Random, secondOfDay: number): OrderFeatures {
  const isNew = chance(random, 0.08);
  const accountAgeDays = isNew ? random.int(0, 6) : establishedAge(random);
  return {
    accountAgeDays,
    customerOrders24h: 1 + poisson(random, 0.15),
    countryMismatch: chance(random, 0.03),
    hourOfDay: Math.floor(secondOfDay / 3600),
    previousOrders: isNew ? poisson(random, 0.1) : poisson(random, Math.min(20, accountAgeDays / 45)),
    paymentMethod: paymentMethods[weightedIndex(random, [0.7, 0.22, 0.08])] ?? 'card',
  };
}

/** Established accounts: log-normal age around eight months, at least a week. */
function establishedAge(random: Random): number {
  return Math.max(7, Math.round(240 * Math.exp(random.normal())));
}

function customerRef(random: Random): string {
  return `cus-${random.int(0, customerSpace - 1).toString(36)}`;
}

function hourSecond(random: Random, weights: readonly number[]): number {
  return weightedIndex(random, weights) * 3600 + random.int(0, 3599);
}

function streamSecond(random: Random, stream: WorldStream): number {
  return Math.min(86_399, stream.startMinute * 60 + random.int(0, stream.durationMinutes * 60 - 1));
}
