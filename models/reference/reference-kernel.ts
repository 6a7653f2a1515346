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

type ReorderPolicy = Readonly<{ demandScale: Float64Array; adLift: Float64Array; reorderPoint: Float64Array; orderQuantity: Float64Array }>;

/** Pricing sets each product's demand scale; the inventory model reorders for the demand the scenario expects. */
function reorderPolicy(request: KernelRequest, scenario: KernelScenario, table: KernelStreamTable): ReorderPolicy {
  const { products, constants } = request;
  const n = products.keys.length;
  const days = constants.days;
  const adLift = Float64Array.from(scenario.adSpendMinor, (spend) => constants.adMax * (1 - Math.exp(-spend / constants.adHalfMinor)));
  const meanSeason = mean(constants.season);
  const meanAdLift = mean(adLift);
  const demandScale = new Float64Array(n);
  const reorderPoint = new Float64Array(n);
  const orderQuantity = new Float64Array(n);
  for (let p = 0; p < n; p += 1) {
    demandScale[p] = (products.baseDemand[p] as number) * ((scenario.priceMinor[p] as number) / (products.refPriceMinor[p] as number)) ** (products.elasticity[p] as number);
    let meanLift = 0;
    for (let d = 0; d < days; d += 1) meanLift += (table.lift[d * n + p] as number) / days;
    const daily = (demandScale[p] as number) * meanSeason * (1 + meanAdLift) * (1 + meanLift);
    reorderPoint[p] = daily * ((products.leadTimeDays[p] as number) + constants.safetyDays);
    orderQuantity[p] = Math.max(1, Math.ceil(daily * constants.coverDays));
  }
  return { demandScale, adLift, reorderPoint, orderQuantity };
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
  const lead = Float64Array.from(products.leadTimeDays, (l, p) => l + leadJitter(seeds.inventory, sample, products.keys[p] as number, constants.leadTimeJitterDays));
  const competitor = Array.from(products.categoryKeys, (key) => {
    const series = new Float64Array(days);
    competitorSeries(seeds.pricing, sample, key, constants.competitor, series);
    return series;
  });
  const revenue = new Float64Array(days);
  const refunds = new Float64Array(days);
  const fraud = new Float64Array(days);
  const commissions = new Float64Array(days);
  const outflows = new Float64Array(days);
  const draws = new Float64Array(2);
  let units = 0;
  let reorderSpend = 0;

  for (let d = 0; d < days; d += 1) {
    const turnout = turnoutMultiplier(seeds.creator, sample, d, constants.turnoutSigma);
    const dayFactor = (constants.season[d] as number) * (1 + (policy.adLift[d] as number));
    let dayUnits = 0;
    let expectedRefunds = 0;
    let spend = 0;
    for (let p = 0; p < n; p += 1) {
      // Demand: the day's expected units, lifted by streams, moved by competitors and overdispersion.
      demandDraws(seeds.demand, sample, products.keys[p] as number, d, constants.dispersion, draws);
      const expected = (policy.demandScale[p] as number) * dayFactor;
      const lambda = (expected + expected * (table.lift[d * n + p] as number) * turnout) * (draws[1] as number) * ((competitor[products.category[p] as number] as Float64Array)[d] as number);
      const root = Math.sqrt(lambda) + (draws[0] as number);
      const demanded = root * root - 0.25;
      // Inventory: arrivals first, then sales capped by stock, then a reorder if stock ran low
      // and nothing is on order; it arrives at the start of the day `lead` days on.
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
        onOrder[p] = policy.orderQuantity[p] as number;
        arrivalDay[p] = d + (lead[p] as number);
        spend += (policy.orderQuantity[p] as number) * (products.unitCostMinor[p] as number);
      }
      const takings = sold * (scenario.priceMinor[p] as number);
      revenue[d] = (revenue[d] as number) + takings;
      dayUnits += sold;
      expectedRefunds += takings * (products.refundRate[p] as number);
      commissions[d] = (commissions[d] as number) + takings * (table.commissionRate[d * n + p] as number);
    }
    // Fraud and refunds: counts around their expectation, each order worth the day's average.
    const orders = dayUnits / constants.unitsPerOrder;
    const orderValue = (revenue[d] as number) / Math.max(orders, 1e-9);
    const expectedFraud = (revenue[d] as number) * constants.fraudRate * constants.chargebackShare;
    fraud[d] = Math.max(0, expectedFraud + Math.sqrt(Math.max(expectedFraud * orderValue * constants.chargebackShare, 0)) * dailyNormal(seeds.fraud, sample, d));
    refunds[d] = Math.max(0, expectedRefunds + Math.sqrt(Math.max(expectedRefunds * orderValue, 0)) * dailyNormal(seeds.payout, sample, d));
    outflows[d] = (scenario.adSpendMinor[d] as number) + constants.fixedDailyCostMinor + spend;
    units += dayUnits;
    reorderSpend += spend;
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
  const cash = cashPath(constants, scenario.payoutDays, { revenue, refunds, fraud, commissions, outflows });
  const totals = { revenue: sum(revenue), refunds: sum(refunds), fraud: sum(fraud), commissions: sum(commissions), adSpend: sum(scenario.adSpendMinor) };
  const netDaily = (totals.revenue - totals.refunds - totals.fraud - totals.commissions - cogs - totals.adSpend - constants.fixedDailyCostMinor * days) / days;
  const end = cash[days - 1] as number;
  let covered = days;
  for (let d = 0; d < days; d += 1) {
    if ((cash[d] as number) < 0) {
      covered = d;
      break;
    }
  }
  const runway = covered < days ? covered : netDaily >= 0 ? constants.runwayCapDays : Math.min(constants.runwayCapDays, days + end / -netDaily);

  outputs.revenueMinor[at] = totals.revenue;
  outputs.units[at] = units;
  outputs.cogsMinor[at] = cogs;
  outputs.refundsMinor[at] = totals.refunds;
  outputs.fraudLossMinor[at] = totals.fraud;
  outputs.commissionsMinor[at] = totals.commissions;
  outputs.adSpendMinor[at] = totals.adSpend;
  outputs.reorderSpendMinor[at] = reorderSpend;
  outputs.stockouts[at] = stockouts;
  outputs.scopeStockouts[at] = scopeStockouts;
  outputs.lostUnits[at] = lostUnits;
  outputs.endCashMinor[at] = end;
  outputs.minCashMinor[at] = Math.min(...cash);
  outputs.runwayDays[at] = runway;
}

type DailyFlows = Readonly<{ revenue: Float64Array; refunds: Float64Array; fraud: Float64Array; commissions: Float64Array; outflows: Float64Array }>;

/**
 * Cash at the end of each day: sales settle after settlementDays, refunds and chargebacks
 * leave after their delays, commissions earned up to a payout day leave on it, ad spend,
 * fixed costs and reorders leave the day they are spent.
 */
function cashPath(constants: KernelRequest['constants'], payoutDays: Uint8Array, flows: DailyFlows): Float64Array {
  const days = constants.days;
  const cash = new Float64Array(days);
  let balance = constants.cashMinor;
  let accrued = 0;
  for (let d = 0; d < days; d += 1) {
    balance += at(flows.revenue, d - constants.settlementDays) - at(flows.refunds, d - constants.refundDelayDays) - at(flows.fraud, d - constants.chargebackDelayDays);
    balance -= flows.outflows[d] as number;
    accrued += flows.commissions[d] as number;
    if (payoutDays[d] === 1) {
      balance -= accrued;
      accrued = 0;
    }
    cash[d] = balance;
  }
  return cash;
}

const at = (series: Float64Array, day: number): number => (day >= 0 ? (series[day] as number) : 0);
const sum = (values: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i] as number;
  return total;
};
const mean = (values: ArrayLike<number>): number => sum(values) / values.length;
