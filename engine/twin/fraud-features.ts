import type { FraudScoring } from './model-params.js';
import { dayIndexOf, type DayWindow, type HistoryEvent } from './history.js';

/**
 * The numbers the fraud model scores an order by, taken from order.placed `features`.
 * Counts enter as log(1 + n), so a ring's tenth order is not ten times as telling as its
 * first; the small hours and the payment method enter as flags.
 */
export const fraudFeatureNames = ['logAccountAgeDays', 'customerOrders24h', 'countryMismatch', 'nightOrder', 'logPreviousOrders', 'wallet', 'bnpl'] as const;
export type FraudFeatureName = (typeof fraudFeatureNames)[number];

const number = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function fraudFeatureVector(features: Readonly<Record<string, unknown>>): number[] {
  const hour = number(features.hourOfDay);
  return [
    Math.log1p(Math.max(0, number(features.accountAgeDays))),
    number(features.customerOrders24h),
    features.countryMismatch === true ? 1 : 0,
    hour < 6 ? 1 : 0,
    Math.log1p(Math.max(0, number(features.previousOrders))),
    features.paymentMethod === 'wallet' ? 1 : 0,
    features.paymentMethod === 'bnpl' ? 1 : 0,
  ];
}

/** P(fraud) of an order under a fitted scoring. */
export function fraudScore(scoring: FraudScoring, features: Readonly<Record<string, unknown>>): number {
  const vector = fraudFeatureVector(features);
  let z = scoring.intercept;
  fraudFeatureNames.forEach((name, i) => {
    z += ((scoring.weights[name] ?? 0) * (vector[i] as number)) / (scoring.scales[name] ?? 1);
  });
  return 1 / (1 + Math.exp(-z));
}

/**
 * Orders whose label is known: placed at least `maturityDays` before the window's end, so
 * a chargeback, if one was coming, has had time to arrive. Label 1: it was charged back.
 */
export type LabelledOrders = Readonly<{ features: Float64Array; labels: Uint8Array; count: number; dayOf: Int32Array }>;

export function labelledOrders(events: readonly HistoryEvent[], window: DayWindow, maturityDays: number): LabelledOrders {
  const charged = new Set(events.filter((e) => e.type === 'chargeback.received').map((e) => String(e.payload.orderId)));
  const rows: number[][] = [];
  const labels: number[] = [];
  const days: number[] = [];
  for (const event of events) {
    if (event.type !== 'order.placed') continue;
    const day = dayIndexOf(window, event.occurredAtMs);
    if (day < 0 || day >= window.days - maturityDays) continue;
    const features = event.payload.features;
    rows.push(fraudFeatureVector(typeof features === 'object' && features !== null ? (features as Record<string, unknown>) : {}));
    labels.push(charged.has(String(event.payload.orderId)) ? 1 : 0);
    days.push(day);
  }
  return { features: Float64Array.from(rows.flat()), labels: Uint8Array.from(labels), count: labels.length, dayOf: Int32Array.from(days) };
}

/** Area under the ROC curve: the chance a random positive scores above a random negative (ties count half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] as number] === scores[order[i] as number]) j += 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) {
      if (labels[order[k] as number] === 1) {
        positives += 1;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
