export {
  effectClasses,
  hasSideEffect,
  idempotencyStrategies,
  riskAtLeast,
  riskLevels,
  toolModes,
  type EffectClass,
  type IdempotencyStrategy,
  type RetryPolicy,
  type RiskLevel,
  type ToolCall,
  type ToolCallResult,
  type ToolMode,
  type ToolSpec,
} from './tool.js';
export { backoffDelayMs, mayRetry } from './retry.js';
export { requestHash } from './request-hash.js';
