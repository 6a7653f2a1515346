import { z } from 'zod';
import { effectClasses, riskLevels } from '../../engine/tools/tool.js';
import { idempotencyKeySchema, toolModeSchema } from './ledger.js';

/** The tool catalogue and generic tool calls on the wire. Browser-safe. */
export const toolNameSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be a tool name such as pricing.set_price');

export const toolSpecDto = z.object({
  name: z.string(),
  description: z.string(),
  effect: z.enum(effectClasses),
  risk: z.enum(riskLevels),
  allowedRoles: z.array(z.string()),
  timeoutMs: z.number().int(),
  idempotency: z.string(),
  input: z.record(z.unknown()).describe("the input's JSON Schema"),
});

export const callToolInput = {
  tool: toolNameSchema,
  input: z.record(z.unknown()),
  idempotencyKey: idempotencyKeySchema,
  mode: toolModeSchema.optional(),
  /** Facts the caller gathered for the governor's policies (`context.*`). */
  context: z.record(z.unknown()).optional(),
};
