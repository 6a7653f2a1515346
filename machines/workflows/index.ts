import type { WorkflowDefinition } from '../../engine/workflows/index.js';
import { contentGenerationWorkflow } from './content-generation.js';
import { pricingOptimizationWorkflow } from './pricing-optimization.js';

/** The workflows every org unit gets; each is a versioned machine in this folder. */
export const builtinWorkflows: readonly WorkflowDefinition[] = [
  contentGenerationWorkflow,
  pricingOptimizationWorkflow,
];
