import type { OrderFeatures } from '../world/index.js';

/**
 * The signals the fraud model reads, derived from an order's raw `features` (order.placed).
 * Each is a plain number so the logistic model weighs them alike; a feature the shop did
 * not send reads as its safest value (an established account, one order, no mismatch).
 */
export const fraudSignalNames = ['newAccount', 'accountAgeLog', 'velocity', 'countryMismatch', 'smallHours', 'firstOrder', 'cardPayment'] as const;
export type FraudSignalName = (typeof fraudSignalNames)[number];
export type FraudSignals = Readonly<Record<FraudSignalName, number>>;

const numberOf = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** Accounts younger than this are new: fraud rings open accounts days before they strike. */
const newAccountDays = 7;
/** Velocity is capped so one runaway counter cannot decide a score alone. */
const maxExtraOrders = 10;

export function fraudSignals(features: OrderFeatures): FraudSignals {
  const age = Math.max(0, numberOf(features.accountAgeDays, 365));
  const hour = numberOf(features.hourOfDay, 12);
  return {
    newAccount: age < newAccountDays ? 1 : 0,
    accountAgeLog: Math.log1p(age),
    velocity: Math.min(maxExtraOrders, Math.max(0, numberOf(features.customerOrders24h, 1) - 1)),
    countryMismatch: features.countryMismatch === true ? 1 : 0,
    smallHours: hour >= 0 && hour < 6 ? 1 : 0,
    firstOrder: numberOf(features.previousOrders, 1) === 0 ? 1 : 0,
    cardPayment: features.paymentMethod === 'card' ? 1 : 0,
  };
}
