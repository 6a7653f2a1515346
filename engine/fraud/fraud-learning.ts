import { fraudProbability, type FraudModel } from './fraud-model.js';
import { fraudSignalNames, type FraudSignals } from './order-signals.js';

/** A labelled outcome: a chargeback says fraud; a person's release or a quiet chargeback window says good. */
export type FraudOutcome = Readonly<{ signals: FraudSignals; fraud: boolean }>;

export type LearningOptions = Readonly<{
  /** SGD step size per outcome. */
  learningRate: number;
  /** Pull toward zero per step, so a weight no outcome supports fades. */
  l2: number;
  /** The share of good orders the threshold may block (measured on labelled good orders). */
  maxGoodBlockedShare: number;
  /** Fewest labelled good orders the threshold is set from; below it the threshold stays. */
  minGoodForThreshold: number;
  /** The threshold never leaves this range, whatever the labels say. */
  thresholdRange: readonly [number, number];
}>;

export const defaultLearningOptions: LearningOptions = Object.freeze({
  learningRate: 0.01,
  l2: 1e-4,
  maxGoodBlockedShare: 0.02,
  minGoodForThreshold: 200,
  thresholdRange: Object.freeze<[number, number]>([0.05, 0.95]),
});

/**
 * One logistic-regression step per outcome, in the order given (stochastic gradient
 * descent: cheap enough to run on every chargeback, no refit over all history).
 */
export function learnFromOutcomes(model: FraudModel, outcomes: readonly FraudOutcome[], options: LearningOptions = defaultLearningOptions): FraudModel {
  if (outcomes.length === 0) return model;
  const weights = { ...model.weights };
  let intercept = model.intercept;
  let fraud = model.learnt.fraud;
  let good = model.learnt.good;
  for (const outcome of outcomes) {
    const score = fraudProbability({ ...model, intercept, weights }, outcome.signals);
    const error = (outcome.fraud ? 1 : 0) - score;
    intercept += options.learningRate * error;
    for (const name of fraudSignalNames) weights[name] += options.learningRate * (error * outcome.signals[name] - options.l2 * weights[name]);
    if (outcome.fraud) fraud += 1;
    else good += 1;
  }
  return { ...model, version: model.version + 1, intercept, weights, learnt: { fraud, good } };
}

/**
 * The threshold that blocks at most `maxGoodBlockedShare` of the labelled good orders,
 * scored by the model as it is now: the false-positive budget decides, not the fraud rate.
 */
export function thresholdFromGoodOrders(model: FraudModel, good: readonly FraudSignals[], options: LearningOptions = defaultLearningOptions): FraudModel {
  if (good.length < options.minGoodForThreshold) return model;
  const scores = good.map((signals) => fraudProbability(model, signals)).sort((a, b) => b - a);
  const allowedBlocks = Math.floor(good.length * options.maxGoodBlockedShare);
  // Just above the score of the highest good order we may not block.
  const boundary = scores[allowedBlocks] ?? 0;
  const [low, high] = options.thresholdRange;
  const threshold = Math.min(high, Math.max(low, boundary + 1e-9));
  return threshold === model.threshold ? model : { ...model, version: model.version + 1, threshold };
}

/** An order whose chargeback window passed without one is taken as good (most chargebacks come within a week). */
export const clearingWindowDays = 7;
/** How many of the most recently cleared orders the threshold is set from. */
export const thresholdSampleSize = 5_000;

/** What one learning round sees: new labelled outcomes, and the recently cleared orders for the threshold. */
export type LearningRound = Readonly<{ outcomes: readonly FraudOutcome[]; cleared: readonly FraudSignals[] }>;

/** The weights learn from the outcomes first, then the threshold is set on the new weights. */
export function learnRound(model: FraudModel, round: LearningRound, options: LearningOptions = defaultLearningOptions): FraudModel {
  return thresholdFromGoodOrders(learnFromOutcomes(model, round.outcomes, options), round.cleared, options);
}
