import * as tf from '@tensorflow/tfjs-core';

/**
 * Inventory: sales are capped by stock; when stock falls to the reorder point and nothing
 * is on order, one order of orderQuantity goes out and arrives after the product's lead
 * time (plus the sample's jitter). Written with step, relu and arithmetic only, which the
 * wasm backend runs as fast as a multiply (comparisons and minimum are several times slower).
 */
export type ReorderPolicy = Readonly<{ reorderPoint: tf.Tensor; orderUpTo: tf.Tensor; minOrderUnits: number }>;

/**
 * Below lead time + safety days of the demand the scenario expects, the shop orders up to
 * lead time + cover days of it (at least minOrderUnits).
 */
export function reorderPolicy(expectedDaily: tf.Tensor, leadTimeDays: tf.Tensor, options: Readonly<{ safetyDays: number; coverDays: number; minOrderUnits: number }>): ReorderPolicy {
  return tf.tidy(() => ({
    reorderPoint: tf.expandDims(tf.mul(expectedDaily, tf.add(leadTimeDays, options.safetyDays)), 1),
    orderUpTo: tf.expandDims(tf.mul(expectedDaily, tf.add(leadTimeDays, options.coverDays)), 1),
    minOrderUnits: options.minOrderUnits,
  }));
}

/**
 * Per path and product: stock on hand, units on order and the day they arrive, units
 * demanded and sold so far (demand lost is their difference, taken once at the end rather
 * than added up each day).
 */
export type Shelf = Readonly<{ stock: tf.Tensor; onOrder: tf.Tensor; arrivalDay: tf.Tensor; demanded: tf.Tensor; sold: tf.Tensor }>;

export function openShelf(stock: tf.Tensor, shape: [number, number, number]): Shelf {
  return tf.tidy(() => ({
    stock: tf.mul(tf.ones(shape), stock),
    onOrder: tf.zeros(shape),
    arrivalDay: tf.fill(shape, -1),
    demanded: tf.zeros(shape),
    sold: tf.zeros(shape),
  }));
}

export type ShelfDay = Readonly<{ shelf: Shelf; sales: tf.Tensor; reorderSpend: tf.Tensor }>;

/**
 * Units on order are 0 or a whole order (at least 1), so "nothing on order and below the
 * reorder point" is one step: a unit on order outweighs any reorder point by this much.
 */
const onOrderWeight = 2 ** 30;

/** Day `day`: arrivals, sales of what is demanded up to the stock, a reorder where needed. */
export function shelfDay(shelf: Shelf, day: number, demanded: tf.Tensor, policy: ReorderPolicy, leadTimeDays: tf.Tensor, unitCost: tf.Tensor): ShelfDay {
  return tf.tidy(() => {
    const arrived = tf.mul(shelf.onOrder, tf.step(tf.sub(day + 0.5, shelf.arrivalDay)));
    const stocked = tf.add(shelf.stock, arrived);
    const pending = tf.sub(shelf.onOrder, arrived);
    // What is left after sales is relu(stocked − demanded); sales are the rest (min(demanded, stocked)).
    const stock = tf.relu(tf.sub(stocked, demanded));
    const sales = tf.sub(stocked, stock);
    const due = tf.step(tf.sub(tf.sub(policy.reorderPoint, stock), tf.mul(pending, onOrderWeight)));
    // max(minOrderUnits, ⌈orderUpTo − stock⌉), with relu for max.
    const quantity = tf.add(tf.relu(tf.sub(tf.ceil(tf.sub(policy.orderUpTo, stock)), policy.minOrderUnits)), policy.minOrderUnits);
    const ordered = tf.mul(due, quantity);
    return {
      shelf: {
        stock,
        onOrder: tf.add(pending, ordered),
        arrivalDay: tf.add(shelf.arrivalDay, tf.mul(due, tf.sub(tf.add(leadTimeDays, day), shelf.arrivalDay))),
        demanded: tf.add(shelf.demanded, demanded),
        sold: tf.add(shelf.sold, sales),
      },
      sales,
      reorderSpend: tf.sum(tf.mul(ordered, unitCost), 2),
    };
  });
}

/** Demand lost per path and product: demanded but not sold. */
export function lostDemand(shelf: Shelf): tf.Tensor {
  return tf.sub(shelf.demanded, shelf.sold);
}

/** Products that lost at least half a unit of demand, per path: all of them and those in `scope` [sc, 1, n]. */
export function stockoutCounts(lost: tf.Tensor, scope: tf.Tensor): { all: tf.Tensor; scoped: tf.Tensor } {
  return tf.tidy(() => {
    const out = tf.step(tf.sub(lost, 0.5));
    return { all: tf.sum(out, 2), scoped: tf.sum(tf.mul(out, scope), 2) };
  });
}
