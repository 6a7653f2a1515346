import type { ToolImplementation } from '../tool-implementation.js';
import { setAdBudgetTool } from './ads.js';
import { createContentDraftTool, publishContentTool } from './content.js';
import { blockOrderTool, releaseOrderTool } from './orders.js';
import { setPriceTool } from './pricing.js';
import { assignStreamCreatorTool, scheduleStreamTool } from './streams.js';

export { setAdBudgetTool, createContentDraftTool, publishContentTool, blockOrderTool, releaseOrderTool, setPriceTool, assignStreamCreatorTool, scheduleStreamTool };
export { marginFraction, changeFraction } from './fractions.js';

/** The tools that change the business's own state; the router registers them by name. */
export const businessTools: readonly ToolImplementation[] = Object.freeze([
  setPriceTool,
  setAdBudgetTool,
  blockOrderTool,
  releaseOrderTool,
  createContentDraftTool,
  publishContentTool,
  scheduleStreamTool,
  assignStreamCreatorTool,
]);
