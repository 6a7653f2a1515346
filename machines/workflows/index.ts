import type { WorkflowDefinition } from '../../engine/workflows/index.js';
import { contentGenerationWorkflow } from './content-generation.js';
import { creatorPayoutWorkflow } from './creator-payout.js';
import { fraudDetectionWorkflow } from './fraud-detection.js';
import { pricingOptimizationWorkflow } from './pricing-optimization.js';

/** The workflows every org unit gets; each is a versioned machine in this folder. */
export const builtinWorkflows: readonly WorkflowDefinition[] = [
  creatorPayoutWorkflow,
  fraudDetectionWorkflow,
  contentGenerationWorkflow,
  pricingOptimizationWorkflow,
];
