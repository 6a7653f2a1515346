import type { WorldDayReport } from './world-runner.js';

/** What a run of the world added up to (money in minor units). */
export type WorldRunSummary = {
  days: number;
  firstDate: string | null;
  lastDate: string | null;
  events: number;
  stored: number;
  duplicates: number;
  orders: number;
  fraudOrders: number;
  /** Fraudulent orders over all orders (ground truth the shop does not see). */
  fraudShare: number;
  revenueMinor: number;
  refundsMinor: number;
  chargebacks: number;
  chargebacksMinor: number;
  payoutsMinor: number;
  adSpendMinor: number;
  cashMinor: number | null;
  /** Wall time to post one day's events: mean and worst. */
  postMsMean: number;
  postMsMax: number;
};

export function summariseRun(reports: readonly WorldDayReport[]): WorldRunSummary {
  const sum = (pick: (r: WorldDayReport) => number) => reports.reduce((s, r) => s + pick(r), 0);
  const orders = sum((r) => r.summary.orders);
  const fraudOrders = sum((r) => r.summary.fraudOrders);
  return {
    days: reports.length,
    firstDate: reports[0]?.summary.date ?? null,
    lastDate: reports[reports.length - 1]?.summary.date ?? null,
    events: sum((r) => r.summary.events),
    stored: sum((r) => r.stored),
    duplicates: sum((r) => r.duplicates),
    orders,
    fraudOrders,
    fraudShare: orders > 0 ? Math.round((fraudOrders / orders) * 10_000) / 10_000 : 0,
    revenueMinor: sum((r) => r.summary.revenueMinor),
    refundsMinor: sum((r) => r.summary.refundsMinor),
    chargebacks: sum((r) => r.summary.chargebacks),
    chargebacksMinor: sum((r) => r.summary.chargebacksMinor),
    payoutsMinor: sum((r) => r.summary.payoutsMinor),
    adSpendMinor: sum((r) => r.summary.adSpendMinor),
    cashMinor: reports[reports.length - 1]?.summary.cashMinor ?? null,
    postMsMean: reports.length > 0 ? Math.round(sum((r) => r.postMs) / reports.length) : 0,
    postMsMax: Math.round(Math.max(0, ...reports.map((r) => r.postMs))),
  };
}
