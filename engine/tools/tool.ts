import type { ZodType, ZodTypeDef } from 'zod';
import type { Actor } from '../governance/action.js';
import type { Role } from '../kernel/roles.js';
import type { AutonomyLevel } from '../workflows/autonomy.js';

/**
 * What a tool is, apart from how it runs: the router reads this to check permissions,
 * validate, ask the governor, gate by autonomy, retry and bill. Implementations (which
 * touch the database or the network) live in server/tools and pair a spec with `execute`.
 */
export const effectClasses = ['read', 'write', 'money_moving', 'external'] as const;
export type EffectClass = (typeof effectClasses)[number];

export const riskLevels = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof riskLevels)[number];

export const toolModes = ['execute', 'dry_run', 'simulate'] as const;
export type ToolMode = (typeof toolModes)[number];

/**
 * How a tool keeps one idempotency key to one side effect:
 * - `transactional`: it writes only to our database, inside the router's transaction, so the
 *   effect and the action row commit together (or not at all);
 * - `keyed`: it hands the key to something that deduplicates on it (a ledger transfer key,
 *   a provider's Idempotency-Key header), so running it again after a crash is harmless.
 */
export const idempotencyStrategies = ['transactional', 'keyed'] as const;
export type IdempotencyStrategy = (typeof idempotencyStrategies)[number];

export type RetryPolicy = Readonly<{
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}>;

export type ToolSpec<Input = unknown, Output = unknown> = Readonly<{
  /** `domain.verb`, lowercase: what policies and kill-switch scopes match on. */
  name: string;
  description: string;
  input: ZodType<Input, ZodTypeDef, unknown>;
  output: ZodType<Output, ZodTypeDef, unknown>;
  effect: EffectClass;
  risk: RiskLevel;
  /** Roles whose principals may call it; `system` is the runtime acting for a workflow. */
  allowedRoles: readonly (Role | 'system')[];
  timeoutMs: number;
  retry: RetryPolicy;
  idempotency: IdempotencyStrategy;
  /** What one call costs us, in minor units of `costCurrency` (provider fees, not business money). */
  cost(input: Input): number;
  costCurrency?: string;
}>;

export function riskAtLeast(risk: RiskLevel, floor: RiskLevel): boolean {
  return riskLevels.indexOf(risk) >= riskLevels.indexOf(floor);
}

/** Side effects are everything but reads: what A0 turns into drafts. */
export function hasSideEffect(effect: EffectClass): boolean {
  return effect !== 'read';
}

/** A request to run one tool once; the same `idempotencyKey` never executes twice. */
export type ToolCall = Readonly<{
  orgUnitId: string;
  tool: string;
  input: unknown;
  actor: Actor;
  mode: ToolMode;
  idempotencyKey: string;
  /** Facts the caller gathered for the governor (merged under the tool's own). */
  context?: Readonly<Record<string, unknown>>;
  /** Set when a workflow run makes the call: its autonomy level gates the verdict. */
  workflow?: Readonly<{ runId: string; step: string; autonomy: AutonomyLevel }>;
}>;

/** How a call ended; `duplicate` says the key had been seen and this is the first call's outcome. */
export type ToolCallResult =
  | Readonly<{ status: 'succeeded'; actionId: string; verdictId: string | null; output: unknown; duplicate: boolean; latencyMs: number; costMinor: number }>
  | Readonly<{ status: 'dry_run' | 'simulated'; actionId: string; verdictId: string; gate: string; output: unknown; duplicate: boolean }>
  | Readonly<{ status: 'awaiting_approval'; actionId: string; verdictId: string; approvalId: string; duplicate: boolean }>
  | Readonly<{ status: 'draft'; actionId: string; verdictId: string; duplicate: boolean }>
  | Readonly<{ status: 'denied'; actionId: string | null; verdictId: string | null; code: string; message: string; duplicate: boolean }>
  | Readonly<{ status: 'failed'; actionId: string; verdictId: string | null; code: string; message: string; transient: boolean; attempts: number; duplicate: boolean }>;
