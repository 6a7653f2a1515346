import type { ContentGenerator } from '../../../engine/content/index.js';
import type { DecisionService } from '../../decisions/decision-service.js';
import type { EvaluatorService } from '../../evaluator/evaluator-service.js';
import type { IncidentService } from '../../governance/incident-service.js';
import type { ToolImplementation } from '../tool-implementation.js';
import { createEscalateContentTool } from './content-escalation.js';
import { contentWritingTools } from './content-writing.js';
import { pricingReviewTools } from './pricing-review.js';

export type WorkflowToolServices = Readonly<{
  contentGenerator: ContentGenerator;
  evaluator: Pick<EvaluatorService, 'recordOutcome'>;
  incidents: Pick<IncidentService, 'open'>;
  decisions: Pick<DecisionService, 'propose' | 'recordOutcome'>;
}>;

/**
 * The tools the built-in workflows call besides the plain business tools: they reach
 * services (the content generator, the evaluator, incidents, decisions) that are built after the
 * router, so the app registers them once those exist.
 */
export function workflowTools(services: WorkflowToolServices): readonly ToolImplementation[] {
  return [
    ...contentWritingTools({ generator: services.contentGenerator, evaluator: services.evaluator }),
    createEscalateContentTool(services.incidents),
    ...pricingReviewTools(services.decisions),
  ];
}
