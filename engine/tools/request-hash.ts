import { createHash } from 'node:crypto';
import { canonicalActionText, type Action } from '../governance/index.js';
import type { ToolMode } from './tool.js';

/**
 * What an idempotency key is bound to: the action as called (before the tool adds live
 * facts, which may differ on a retry) and its mode, so a dry run and an execution never
 * share a key by accident.
 */
export function requestHash(action: Action, mode: ToolMode): string {
  return createHash('sha256').update(`${mode}\n${canonicalActionText(action)}`, 'utf8').digest('hex');
}
