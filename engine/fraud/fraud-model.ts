import { z } from 'zod';
import { fraudSignalNames, type FraudSignalName, type FraudSignals } from './order-signals.js';

/**
 * The fraud model: a logistic score over the order's signals and the threshold above which
 * an order is blocked. It is plain data (stored as JSON, one row per org unit) so a run's
 * journal records which version scored an order and a replay needs no database.
 */
export type FraudModel = Readonly<{
  version: number;
  intercept: number;
  weights: Readonly<Record<FraudSignalName, number>>;
  threshold: number;
  /** Labelled outcomes the model has learnt from, by label. */
  learnt: Readonly<{ fraud: number; good: number }>;
}>;

export type FraudScore = Readonly<{
  /** P(fraud), 0..1. */
  score: number;
  block: boolean;
  /** The signals that pushed the score up most, strongest first, for the reason a person reads. */
  drivers: readonly FraudSignalName[];
}>;

/**
 * Where a new org unit starts, before any chargeback has come back: weights an analyst
 * would set from how fraud rings behave (new accounts, bursts of orders, a card from another
 * country, the small hours, no order history). Learning moves them from here.
 */
export const priorFraudModel: FraudModel = Object.freeze({
  version: 1,
  intercept: -6.5,
  weights: Object.freeze({ newAccount: 2, accountAgeLog: -0.1, velocity: 1.6, countryMismatch: 2.4, smallHours: 2, firstOrder: 1.6, cardPayment: 0.3 }),
  threshold: 0.5,
  learnt: Object.freeze({ fraud: 0, good: 0 }),
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function logit(model: FraudModel, signals: FraudSignals): number {
  let sum = model.intercept;
  for (const name of fraudSignalNames) sum += model.weights[name] * signals[name];
  return sum;
}

/** P(fraud) alone: what learning and the threshold need, without the explanation. */
export function fraudProbability(model: FraudModel, signals: FraudSignals): number {
  return sigmoid(logit(model, signals));
}

export function scoreOrder(model: FraudModel, signals: FraudSignals): FraudScore {
  const score = fraudProbability(model, signals);
  const drivers = fraudSignalNames
    .map((name) => ({ name, push: model.weights[name] * signals[name] }))
    .filter((d) => d.push > 0)
    .sort((a, b) => b.push - a.push || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((d) => d.name);
  return { score, block: score >= model.threshold, drivers };
}

const finite = z.number().finite();

/** The stored form, checked on the way in: a model that does not parse is never used to block anyone. */
export const fraudModelSchema: z.ZodType<FraudModel> = z.object({
  version: z.number().int().min(1),
  intercept: finite,
  weights: z.object(Object.fromEntries(fraudSignalNames.map((name) => [name, finite])) as Record<FraudSignalName, typeof finite>).strict(),
  threshold: z.number().gt(0).lt(1),
  learnt: z.object({ fraud: z.number().int().min(0), good: z.number().int().min(0) }),
});
