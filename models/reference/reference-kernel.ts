import type { KernelOutputs, KernelRequest, KernelScenario, KernelStreamTable } from '../../engine/twin/index.js';
import { emptyOutputs } from '../kernel/outputs.js';
import { competitorSeries, dailyNormal, demandDraws, leadJitter, turnoutMultiplier } from '../noise/draws.js';

/**
 * The six models as one plain loop over scenarios, samples, days and products, in float64,
 * drawing each random number where it is used. It states the model in its most readable
 * form: the tensor kernel (models/kernel) must agree with it (test/integration/models), and
 * the benchmarks measure the kernel against it. It does not run in the server.
 */
export function runReferenceKernel(request: KernelRequest): KernelOutputs {
  const count = request.sampleCount;
  const outputs = emptyOutputs(request.scenarios.length * count);
  request.scenarios.forEach((scenario, sc) => {
    const table = request.streamTables[scenario.streamTable] as KernelStreamTable;
    const policy = reorderPolicy(request, scenario, table);
    for (let s = 0; s < count; s += 1) simulatePath(request, scenario, table, policy, request.sampleStart + s, outputs, sc * count + s);
  });
  return outputs;
}

type ReorderPolicy = Readonly<{ demandScale: Float64Array; adLift: Float64Array; reorderPoint: Float64Array; orderUpTo: Float64Array; lead: Float64Array }>;

/**
 * Pricing sets each product's demand scale. The inventory model reorders for the demand the
 * scenario expects: below lead time + safety days of it, it orders up to lead time + cover
 * days (at least minOrderUnits), arriving after max(1, lead time) days.
 */
function reorderPolicy(request: KernelRequest, scenario: KernelScenario, table: KernelStreamTable): ReorderPolicy {
  const { products, constants } = request;
  const n = products.keys.length;
  const days = constants.days;
  const adLift = Float64Array.from(scenario.adSpendMinor, (spend) => constants.adMax * (1 - Math.exp(-spend / constants.adHalfMinor)));
  const meanSeason = mean(constants.season);
  const meanAdLift = mean(adLift);
  const demandScale = new Float64Array(n);
  const reorderPoint = new Float64Array(n);
  const orderUpTo = new Float64Array(n);
  for (let p = 0; p < n; p += 1) {
    demandScale[p] = (products.baseDemand[p] as number) * ((scenario.priceMinor[p] as number) / (products.refPriceMinor[p] as number)) ** (products.elasticity[p] as number);
    let meanLift = 0;
    for (let d = 0; d < days; d += 1) meanLift += (table.lift[d * n + p] as number) / days;
    const daily = (demandScale[p] as number) * meanSeason * (1 + meanAdLift) * (1 + meanLift);
    reorderPoint[p] = daily * ((products.leadTimeDays[p] as number) + constants.safetyDays);
    orderUpTo[p] = daily * ((products.leadTimeDays[p] as number) + constants.coverDays);
  }
  return { demandScale, adLift, reorderPoint, orderUpTo, lead: Float64Array.from(products.leadTimeDays, (l) => Math.max(1, l)) };
}

function simulatePath(
  request: KernelRequest,
  scenario: KernelScenario,
  table: KernelStreamTable,
  policy: ReorderPolicy,
  sample: number,
  outputs: KernelOutputs,
  at: number,
): void {
  const { products, constants, seeds } = request;
  const n = products.keys.length;
  const days = constants.days;
  const stock = Float64Array.from(products.stock);
  const onOrder = new Float64Array(n);
  const arrivalDay = new Float64Array(n).fill(-1);
  const lost = new Float64Array(n);
  const salesTotal = new Float64Array(n);
  const lead = Float64Array.from(policy.lead, (l, p) => l + leadJitter(seeds.inventory, sample, products.keys[p] as number, constants.leadTimeJitterDays));
  const competitor = Array.from(products.categoryKeys, (key) => {
    const series = new Float64Array(days);
    competitorSeries(seeds.pricing, sample, key, constants.competitor, series);
    return series;
  });
  const flows = { revenue: new Float64Array(days), fees: new Float64Array(days), refunds: new Float64Array(days), chargebacks: new Float64Array(days), commissions: new Float64Array(days), spent: new Float64Array(days) };
  const draws = new Float64Array(2);
  let units = 0;
  let reorderSpend = 0;
  let fraudLoss = 0;
  let fees = 0;

  for (let d = 0; d < days; d += 1) {
    const turnout = turnoutMultiplier(seeds.creator, sample, d, constants.turnoutSigma);
    const dayFactor = (constants.season[d] as number) * (1 + (policy.adLift[d] as number));
    let revenue = 0;
    let dayUnits = 0;
    let expectedRefunds = 0;
    let commissions = 0;
    let spend = 0;
    for (let p = 0; p < n; p += 1) {
      // Demand: the day's expected units, lifted by streams, moved by competitors and overdispersion.
      demandDraws(seeds.demand, sample, products.keys[p] as number, d, constants.dispersion, draws);
      const expected = (policy.demandScale[p] as number) * dayFactor;
      const lambda = (expected + expected * (table.lift[d * n + p] as number) * turnout) * (draws[1] as number) * ((competitor[products.category[p] as number] as Float64Array)[d] as number);
      const root = Math.sqrt(lambda) + (draws[0] as number);
      const demanded = root * root - 0.25;
      // Inventory: arrivals first, then sales capped by stock, then a reorder if stock fell
      // below the reorder point and nothing is on order; it arrives at the start of its day.
      if ((arrivalDay[p] as number) <= d) {
        stock[p] = (stock[p] as number) + (onOrder[p] as number);
        onOrder[p] = 0;
      }
      const left = Math.max((stock[p] as number) - demanded, 0);
      const sold = (stock[p] as number) - left;
      stock[p] = left;
      lost[p] = (lost[p] as number) + demanded - sold;
      salesTotal[p] = (salesTotal[p] as number) + sold;
      if ((onOrder[p] as number) === 0 && (policy.reorderPoint[p] as number) - left > 0) {
        const quantity = Math.max(constants.minOrderUnits, Math.ceil((policy.orderUpTo[p] as number) - left));
        onOrder[p] = quantity;
        arrivalDay[p] = d + (lead[p] as number);
        spend += quantity * (products.unitCostMinor[p] as number);
      }
      const takings = sold * (scenario.priceMinor[p] as number);
      revenue += takings;
      dayUnits += sold;
      expectedRefunds += takings * (products.refundRate[p] as number);
      commissions += takings * (table.commissionRate[d * n + p] as number);
    }
    // Fraud and refunds: counts around their expectation, each order worth the day's average.
    const orders = dayUnits / constants.unitsPerOrder;
    const orderValue = revenue / Math.max(orders, 1e-9);
    const expectedFraud = revenue * constants.fraudRate * constants.chargebackShare;
    const fraud = Math.max(0, expectedFraud + Math.sqrt(Math.max(expectedFraud * orderValue * constants.chargebackShare, 0)) * dailyNormal(seeds.fraud, sample, d));
    const chargebackFees = (fraud / Math.max(orderValue, 1e-9)) * constants.chargebackFeeMinor;
    const processing = (revenue * constants.processorFeeBps) / 10_000 + orders * constants.processorFeeFixedMinor;
    flows.revenue[d] = revenue;
    flows.fees[d] = processing;
    flows.refunds[d] = Math.max(0, expectedRefunds + Math.sqrt(Math.max(expectedRefunds * orderValue, 0)) * dailyNormal(seeds.payout, sample, d));
    flows.chargebacks[d] = fraud + chargebackFees;
    flows.commissions[d] = commissions;
    flows.spent[d] = (scenario.adSpendMinor[d] as number) + constants.fixedDailyCostMinor + spend + (scenario.extraOutflowMinor[d] as number);
    units += dayUnits;
    reorderSpend += spend;
    fraudLoss += fraud;
    fees += processing + chargebackFees;
  }

  let cogs = 0;
  let stockouts = 0;
  let scopeStockouts = 0;
  let lostUnits = 0;
  for (let p = 0; p < n; p += 1) {
    cogs += (salesTotal[p] as number) * (products.unitCostMinor[p] as number);
    lostUnits += lost[p] as number;
    if ((lost[p] as number) - 0.5 > 0) {
      stockouts += 1;
      if (scenario.scope[p] === 1) scopeStockouts += 1;
    }
  }
  const cash = cashPath(constants, scenario.payoutDays, flows);
  outputs.revenueMinor[at] = sum(flows.revenue);
  outputs.units[at] = units;
  outputs.cogsMinor[at] = cogs;
  outputs.refundsMinor[at] = sum(flows.refunds);
  outputs.fraudLossMinor[at] = fraudLoss;
  outputs.commissionsMinor[at] = sum(flows.commissions);
  outputs.adSpendMinor[at] = sum(scenario.adSpendMinor);
  outputs.reorderSpendMinor[at] = reorderSpend;
  outputs.feesMinor[at] = fees;
  outputs.stockouts[at] = stockouts;
  outputs.scopeStockouts[at] = scopeStockouts;
  outputs.lostUnits[at] = lostUnits;
  outputs.endCashMinor[at] = cash.balance[days - 1] as number;
  outputs.minCashMinor[at] = Math.min(...cash.balance);
  outputs.runwayDays[at] = Math.min(...cash.runway);
}

type DailyFlows = Readonly<Record<'revenue' | 'fees' | 'refunds' | 'chargebacks' | 'commissions' | 'spent', Float64Array>>;

/**
 * Cash at the end of each day, and runway on it. Sales settle after settlementDays, less
 * their processing fees; refunds and chargebacks leave after a delay drawn uniformly from
 * their ranges (spread in expectation); commissions earned up to a payout day leave on it;
 * ad spend, fixed costs and reorders leave the day they are spent. Runway is cash over the
 * average outflow of the last 7 days (0 once cash is gone, capped).
 */
function cashPath(constants: KernelRequest['constants'], payoutDays: Uint8Array, flows: DailyFlows): { balance: Float64Array; runway: Float64Array } {
  const days = constants.days;
  const outflow = Float64Array.from(flows.spent);
  const inflow = new Float64Array(days);
  for (let k = 0; k < days; k += 1) {
    const settles = k + constants.settlementDays;
    if (settles < days) {
      inflow[settles] = (inflow[settles] as number) + (flows.revenue[k] as number);
      outflow[settles] = (outflow[settles] as number) + (flows.fees[k] as number);
    }
    spread(outflow, flows.refunds[k] as number, k, constants.refundDelayDays);
    spread(outflow, flows.chargebacks[k] as number, k, constants.chargebackDelayDays);
  }
  let accrued = 0;
  for (let d = 0; d < days; d += 1) {
    accrued += flows.commissions[d] as number;
    if (payoutDays[d] === 1) {
      outflow[d] = (outflow[d] as number) + accrued;
      accrued = 0;
    }
  }
  const balance = new Float64Array(days);
  const runway = new Float64Array(days);
  let cash = constants.cashMinor;
  for (let d = 0; d < days; d += 1) {
    cash += (inflow[d] as number) - (outflow[d] as number);
    balance[d] = cash;
    const window = Math.min(7, d + 1);
    let recent = 0;
    for (let k = d - window + 1; k <= d; k += 1) recent += outflow[k] as number;
    const average = recent / window;
    runway[d] = cash <= 0 ? 0 : average <= 0 ? constants.runwayCapDays : Math.min(constants.runwayCapDays, cash / average);
  }
  return { balance, runway };
}

/** Adds `amount` of day k to the days its delay may land on, uniformly over [min, max]. */
function spread(target: Float64Array, amount: number, k: number, [min, max]: readonly [number, number]): void {
  const share = amount / (max - min + 1);
  for (let delay = min; delay <= max; delay += 1) if (k + delay < target.length) target[k + delay] = (target[k + delay] as number) + share;
}

const sum = (values: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i] as number;
  return total;
};
const mean = (values: ArrayLike<number>): number => sum(values) / values.length;
