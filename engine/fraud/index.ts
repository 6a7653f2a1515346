export { fraudSignalNames, fraudSignals, type FraudSignalName, type FraudSignals } from './order-signals.js';
export { priorFraudModel, scoreOrder, type FraudModel, type FraudScore } from './fraud-model.js';
export { defaultLearningOptions, learnFromOutcomes, thresholdFromGoodOrders, type FraudOutcome, type LearningOptions } from './fraud-learning.js';
