import type { ModelFitter } from '../../engine/twin/index.js';
import { fitDemand } from './demand-fit.js';
import { fitFraud } from './fraud-fit.js';

/** The fits on this thread's TensorFlow.js backend (a model worker's, or a test's). */
export const inThreadFitter: ModelFitter = {
  fitDemand: (input) => Promise.resolve(fitDemand(input)),
  fitFraud: (input) => Promise.resolve(fitFraud(input)),
};
