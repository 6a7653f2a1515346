export { fraudSignalNames, fraudSignals, type FraudSignalName, type FraudSignals } from './order-signals.js';
export { fraudModelSchema, fraudProbability, priorFraudModel, scoreOrder, type FraudModel, type FraudScore } from './fraud-model.js';
export {
  clearingWindowDays,
  defaultLearningOptions,
  learnFromOutcomes,
  learnRound,
  thresholdFromGoodOrders,
  thresholdSampleSize,
  type FraudOutcome,
  type LearningOptions,
  type LearningRound,
} from './fraud-learning.js';
export { reviewBlockedOrder, reviewVerdicts, type ReviewVerdict } from './order-review.js';
