import type { ToolImplementation } from '../tool-implementation.js';
import { setAdBudgetTool } from './ads.js';
import { createContentDraftTool, publishContentTool } from './content.js';
import { assessPayoutTool, reportBlockedPayoutTool } from './creator-payout-checks.js';
import { holdPayoutTool, postCreatorPayoutTool, releasePayoutHoldTool } from './creator-payout-ledger.js';
import { learnChargebackTool, reviewOrderTool } from './fraud-learning.js';
import { reportBlockedOrderTool, scoreOrderTool } from './fraud-scoring.js';
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
  // wf_fraud_detection
  scoreOrderTool,
  reportBlockedOrderTool,
  learnChargebackTool,
  reviewOrderTool,
  // wf_creator_payout
  assessPayoutTool,
  reportBlockedPayoutTool,
]);

/**
 * wf_creator_payout's money steps: ledger transfers keyed by the payout ('keyed', not
 * 'transactional': the ledger opens its own transactions), registered beside the ledger tools.
 */
export const payoutLedgerTools: readonly ToolImplementation[] = Object.freeze([holdPayoutTool, postCreatorPayoutTool, releasePayoutHoldTool]);
