import * as tf from '@tensorflow/tfjs-core';
import { kernelOutputNames, type KernelOutputName, type KernelOutputs, type KernelRequest } from '../../engine/twin/index.js';
import type { NoiseBlock } from '../noise/noise-block.js';
import { commissionOfDay, rootStreamLifted } from './creator-model.js';
import { adLift, poissonUnits } from './demand-model.js';
import { dailyFraudLoss } from './fraud-model.js';
import { lostDemand, openShelf, reorderPolicy, shelfDay, stockoutCounts, type ReorderPolicy, type Shelf } from './inventory-model.js';
import { cumulativeMatrix, dailyRefunds, moved, payoutMatrix, processingFees, recentMeanMatrix, shiftMatrix, shortestRunway, spreadMatrix } from './payout-model.js';
import { demandScale } from './pricing-model.js';

/**
 * The six models over scenarios × samples × products, one day at a time (stock carries
 * from one day to the next), as tensors [scenarios, samples, products]. The random numbers
 * come from the noise block, shared by every scenario (common random numbers). Each day's
 * tensors are released when the day is done, so memory stays flat however long the run.
 */
export function runMonteCarlo(request: KernelRequest, noise: NoiseBlock): KernelOutputs {
  const shape = shapeOf(request);
  const fixed = prepare(request, noise, shape);
  let shelf = openShelf(fixed.stock, [shape.scenarios, shape.samples, shape.products]);
  const flows: DayFlows[] = [];
  let totals: Record<KernelOutputName, tf.Tensor> | undefined;
  try {
    for (let day = 0; day < shape.days; day += 1) {
      const result = tf.tidy(() => simulateDay(day, request, noise, fixed, shelf, shape));
      tf.dispose(shelf);
      shelf = result.shelf;
      flows.push(result.flows);
    }
    const settled = tf.tidy(() => settle(request, noise, fixed, shelf, flows, shape));
    totals = settled;
    return Object.fromEntries(kernelOutputNames.map((name) => [name, Float64Array.from(settled[name].dataSync())])) as Record<KernelOutputName, Float64Array>;
  } finally {
    const { dayFactor: _factors, ...fixedTensors } = fixed;
    tf.dispose([shelf, flows, fixedTensors, totals ?? {}]);
  }
}

type Shape = Readonly<{ scenarios: number; samples: number; products: number; categories: number; days: number }>;

function shapeOf(request: KernelRequest): Shape {
  return {
    scenarios: request.scenarios.length,
    samples: request.sampleCount,
    products: request.products.keys.length,
    categories: request.products.categoryKeys.length,
    days: request.constants.days,
  };
}

/** Tensors that hold for the whole run. */
type Fixed = Omit<FixedTensors, 'dayFactor'> & Readonly<{
  /** season · (1 + ad lift) by day and scenario, on the JavaScript side: each day takes its column as a small tensor. */
  dayFactor: readonly Float32Array[];
}>;

type FixedTensors = Readonly<{
  stock: tf.Tensor;
  price: tf.Tensor;
  scale: tf.Tensor;
  rootScale: tf.Tensor;
  dayFactor: tf.Tensor;
  unitCost: tf.Tensor;
  extraOutflow: tf.Tensor;
  priceRefund: tf.Tensor;
  scope: tf.Tensor;
  lead: tf.Tensor;
  policy: ReorderPolicy;
  /** Stream lift and commission share by day [tables, days, products], and each scenario's table. */
  lift: tf.Tensor;
  commissionRate: tf.Tensor;
  tableOf: tf.Tensor;
}>;

function prepare(request: KernelRequest, noise: NoiseBlock, shape: Shape): Fixed {
  const { products, scenarios, streamTables, constants } = request;
  const n = shape.products;
  const tensors = tf.tidy((): FixedTensors => {
    const price = tf.tensor2d(concat(scenarios.map((s) => s.priceMinor)), [shape.scenarios, n]);
    const scale = demandScale(price, vector(products.baseDemand), vector(products.refPriceMinor), vector(products.elasticity));
    const spend = tf.tensor2d(concat(scenarios.map((s) => s.adSpendMinor)), [shape.scenarios, shape.days]);
    const lifted = tf.add(1, adLift(spend, constants.adMax, constants.adHalfMinor));
    const season = vector(constants.season);
    const lift = tf.tensor3d(concat(streamTables.map((t) => t.lift)), [streamTables.length, shape.days, n]);
    const tableOf = tf.tensor1d(scenarios.map((s) => s.streamTable), 'int32');
    // The reorder policy follows the scenario's expected daily demand, averaged over the days.
    // One table (the common case) broadcasts; gathering it for every scenario is slow.
    const meanLift = streamTables.length === 1 ? tf.mean(lift, 1) : tf.gather(tf.mean(lift, 1), tableOf);
    const expectedDaily = tf.mul(tf.mul(scale, tf.mul(tf.mean(season), tf.mean(lifted, 1, true))), tf.add(1, meanLift));
    const unitCost = vector(products.unitCostMinor);
    const leadTime = vector(products.leadTimeDays);
    const jitter = tf.tensor2d(noise.leadJitter, [shape.samples, n]);
    return {
      stock: vector(products.stock),
      price: tf.expandDims(price, 1),
      scale: tf.expandDims(scale, 1),
      rootScale: tf.expandDims(tf.sqrt(scale), 1),
      dayFactor: tf.transpose(tf.mul(lifted, season)),
      unitCost: tf.reshape(unitCost, [1, 1, n]),
      extraOutflow: tf.tensor2d(concat(scenarios.map((s) => s.extraOutflowMinor)), [shape.scenarios, shape.days]),
      priceRefund: tf.expandDims(tf.mul(price, vector(products.refundRate)), 1),
      scope: tf.tensor3d(concat(scenarios.map((s) => s.scope)), [shape.scenarios, 1, n]),
      // Arrivals take at least a day.
      lead: tf.expandDims(tf.add(jitter, tf.maximum(leadTime, 1)), 0),
      policy: reorderPolicy(expectedDaily, leadTime, constants),
      lift,
      commissionRate: tf.tensor3d(concat(streamTables.map((t) => t.commissionRate)), [streamTables.length, shape.days, n]),
      tableOf,
    };
  });
  const factors = tensors.dayFactor.dataSync();
  tensors.dayFactor.dispose();
  const dayFactor = Array.from({ length: shape.days }, (_, d) => Float32Array.from(factors.subarray(d * shape.scenarios, (d + 1) * shape.scenarios)));
  return { ...tensors, dayFactor };
}

/** Per path [scenarios, samples], for one day. */
type DayFlows = Readonly<{ revenue: tf.Tensor; units: tf.Tensor; refunds: tf.Tensor; commissions: tf.Tensor; reorderSpend: tf.Tensor }>;

function simulateDay(day: number, request: KernelRequest, noise: NoiseBlock, fixed: Fixed, shelf: Shelf, shape: Shape): { shelf: Shelf; flows: DayFlows } {
  const { samples, products, scenarios } = shape;
  const slab = samples * products;
  const rootMultiplier = tf.tensor3d(noise.rootMultiplier.subarray(day * slab, (day + 1) * slab), [1, samples, products]);
  const factor = fixed.dayFactor[day] as Float32Array;
  const streamed = request.streamTables.some((table) => table.streamDays[day] === 1);
  // √λ: on a day without streams the expectation factors into scenario × sample parts.
  const rootExpected = streamed
    ? rootStreamLifted(
        tf.mul(fixed.scale, tf.tensor3d(factor, [scenarios, 1, 1])),
        dayOfTables(fixed.lift, fixed.tableOf, day, shape),
        tf.tensor3d(noise.turnout.subarray(day * samples, (day + 1) * samples), [1, samples, 1]),
      )
    : tf.mul(fixed.rootScale, tf.tensor3d(factor.map(Math.sqrt), [scenarios, 1, 1]));
  const rootLambda = tf.mul(rootExpected, rootMultiplier);
  const demanded = poissonUnits(rootLambda, tf.tensor3d(noise.poissonHalf.subarray(day * slab, (day + 1) * slab), [1, samples, products]));
  const next = shelfDay(shelf, day, demanded, fixed.policy, fixed.lead, fixed.unitCost);
  const takings = tf.mul(next.sales, fixed.price);
  const commissions = streamed ? commissionOfDay(takings, dayOfTables(fixed.commissionRate, fixed.tableOf, day, shape)) : tf.zeros([scenarios, samples]);
  return {
    shelf: next.shelf,
    flows: {
      revenue: tf.sum(takings, 2),
      units: tf.sum(next.sales, 2),
      refunds: tf.sum(tf.mul(next.sales, fixed.priceRefund), 2),
      commissions: commissions,
      reorderSpend: next.reorderSpend,
    },
  };
}

/** Each scenario's row of a day-by-product table [tables, days, products] → [scenarios, 1, products]. */
function dayOfTables(tables: tf.Tensor, tableOf: tf.Tensor, day: number, shape: Shape): tf.Tensor {
  const rows = tf.reshape(tf.slice(tables, [0, day, 0], [-1, 1, -1]), [tables.shape[0], shape.products]);
  return tf.expandDims(tables.shape[0] === 1 ? rows : tf.gather(rows, tableOf), 1);
}

/** Fraud, refunds, fees, the cash path and the per-path totals, from the days' flows. */
function settle(request: KernelRequest, noise: NoiseBlock, fixed: Fixed, shelf: Shelf, flows: readonly DayFlows[], shape: Shape): Record<KernelOutputName, tf.Tensor> {
  const { constants, scenarios } = request;
  const { days, samples } = shape;
  const paths = shape.scenarios * samples;
  // [days, scenarios, samples]
  const stackOf = (key: keyof DayFlows) => tf.stack(flows.map((f) => f[key]));
  const revenue = stackOf('revenue');
  const units = stackOf('units');
  const orders = tf.div(units, constants.unitsPerOrder);
  const orderValue = tf.div(revenue, tf.maximum(orders, 1e-9));
  const normals = (values: Float32Array) => tf.tensor3d(values, [days, 1, samples]);
  const fraud = dailyFraudLoss(revenue, orderValue, normals(noise.fraudNormal), constants);
  const chargebackFees = tf.mul(tf.div(fraud, tf.maximum(orderValue, 1e-9)), constants.chargebackFeeMinor);
  const fees = processingFees(revenue, orders, constants);
  const refunds = dailyRefunds(stackOf('refunds'), orderValue, normals(noise.refundNormal));
  const commissions = stackOf('commissions');
  const reorderSpend = stackOf('reorderSpend');
  const adSpend = tf.tensor2d(concat(scenarios.map((s) => s.adSpendMinor)), [shape.scenarios, days]);

  // [paths, days]
  const byPath = (t: tf.Tensor) => tf.reshape(tf.transpose(t, [1, 2, 0]), [paths, days]);
  // One sample per scenario (a sweep) needs no copying: the paths are the scenarios.
  const perScenario = (t: tf.Tensor) => (samples === 1 ? t : tf.reshape(tf.tile(tf.expandDims(t, 1), [1, samples, 1]), [paths, days]));
  const settlement = shiftMatrix(days, constants.settlementDays);
  const outflow = tf.addN([
    moved(byPath(fees), settlement),
    moved(byPath(refunds), spreadMatrix(days, constants.refundDelayDays)),
    moved(byPath(tf.add(fraud, chargebackFees)), spreadMatrix(days, constants.chargebackDelayDays)),
    paidCommissions(byPath(commissions), request, samples),
    byPath(reorderSpend),
    perScenario(tf.add(tf.add(adSpend, fixed.extraOutflow), constants.fixedDailyCostMinor)),
  ]);
  const cash = tf.add(constants.cashMinor, moved(tf.sub(moved(byPath(revenue), settlement), outflow), cumulativeMatrix(days)));

  const total = (t: tf.Tensor) => tf.reshape(tf.sum(t, 0), [paths]);
  const lost = lostDemand(shelf);
  return {
    revenueMinor: total(revenue),
    units: total(units),
    cogsMinor: tf.reshape(tf.sum(tf.mul(shelf.sold, fixed.unitCost), 2), [paths]),
    refundsMinor: total(refunds),
    fraudLossMinor: total(fraud),
    commissionsMinor: total(commissions),
    adSpendMinor: samples === 1 ? tf.sum(adSpend, 1) : tf.reshape(tf.tile(tf.sum(adSpend, 1, true), [1, samples]), [paths]),
    reorderSpendMinor: total(reorderSpend),
    feesMinor: tf.add(total(fees), total(chargebackFees)),
    ...stockoutTotals(lost, fixed),
    lostUnits: tf.sum(lost, 2),
    endCashMinor: tf.slice(cash, [0, days - 1], [-1, 1]),
    minCashMinor: tf.min(cash, 1),
    runwayDays: shortestRunway(cash, moved(outflow, recentMeanMatrix(days)), constants.runwayCapDays),
  };
}

function stockoutTotals(lost: tf.Tensor, fixed: Fixed): { stockouts: tf.Tensor; scopeStockouts: tf.Tensor } {
  const counts = stockoutCounts(lost, fixed.scope);
  return { stockouts: counts.all, scopeStockouts: counts.scoped };
}

/** Commissions paid out on each day [paths, days]; scenarios may pay out on different schedules. */
function paidCommissions(commissions: tf.Tensor, request: KernelRequest, samples: number): tf.Tensor {
  const schedules = request.scenarios.map((s) => s.payoutDays.join(''));
  const first = request.scenarios[0];
  if (first && schedules.every((schedule) => schedule === schedules[0])) return moved(commissions, payoutMatrix(first.payoutDays));
  const days = request.constants.days;
  const matrices = tf.stack(request.scenarios.map((s) => payoutMatrix(s.payoutDays)));
  const perScenario = tf.matMul(tf.reshape(commissions, [request.scenarios.length, samples, days]), matrices);
  return tf.reshape(perScenario, [request.scenarios.length * samples, days]);
}

/** tfjs takes float32, not float64. */
const vector = (values: Float64Array): tf.Tensor => tf.tensor1d(Float32Array.from(values));

function concat(arrays: readonly ArrayLike<number>[]): Float32Array {
  const total = arrays.reduce((sum, a) => sum + a.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
