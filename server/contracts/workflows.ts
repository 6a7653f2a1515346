import { z } from 'zod';
import { autonomyLevels } from '../../engine/workflows/autonomy.js';
import { orgUnitIdSchema, pageLimitSchema } from './common.js';

/** Workflow shapes on the wire. Times are ISO 8601 strings. Browser-safe. */
const time = z.string();
const reasonText = z.string().trim().min(1, 'must say why').max(2000, 'must be at most 2000 characters');

export const workflowIdSchema = z.string().regex(/^wf_[a-z0-9_]{1,60}$/, 'must be a workflow id such as wf_creator_payout');
export const runIdSchema = z.string().uuid('must be a UUID');
export const autonomyLevelSchema = z.enum(autonomyLevels, {
  errorMap: () => ({ message: `must be one of ${autonomyLevels.join(', ')}` }),
});
export const runStatusSchema = z.enum(['pending', 'running', 'waiting', 'completed', 'failed', 'cancelled']);

export const workflowDto = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.number().int(),
  triggers: z.array(z.string()),
  autonomy: autonomyLevelSchema,
  paused: z.boolean(),
  runs: z.record(z.number().int()).describe('run counts by status'),
  updatedAt: time,
});

export const runDto = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  workflowId: z.string(),
  version: z.number().int(),
  idempotencyKey: z.string(),
  triggerEventId: z.string().nullable(),
  status: runStatusSchema,
  waitingFor: z.string().nullable().describe('approval:<id>, draft:<action id>, timer:<name>, or event'),
  state: z.unknown().describe("the machine's state value"),
  steps: z.number().int().describe('tool results journaled'),
  journalLength: z.number().int(),
  error: z.record(z.unknown()).nullable(),
  createdAt: time,
  updatedAt: time,
  completedAt: time.nullable(),
});

export const journalEntryDto = z.object({
  seq: z.number().int(),
  kind: z.string(),
  step: z.string().nullable(),
  payload: z.record(z.unknown()),
  at: time,
});

export const replayStepDto = z.object({
  seq: z.number().int(),
  input: z.string(),
  recorded: z.unknown(),
  produced: z.unknown(),
  matches: z.boolean(),
});

export const replayReportDto = z.object({
  runId: z.string(),
  workflowId: z.string(),
  version: z.number().int(),
  steps: z.array(replayStepDto),
  divergence: replayStepDto.nullable().describe('the first step whose outcome differs from the journal'),
});

export const draftDto = z.object({
  actionId: z.string(),
  tool: z.string(),
  input: z.record(z.unknown()),
  workflowRunId: z.string().nullable(),
  step: z.string().nullable(),
  status: z.string(),
  createdAt: time,
});

export const listRunsInput = {
  status: runStatusSchema.optional(),
  limit: pageLimitSchema,
  before: z.string().datetime({ offset: true, message: 'must be an ISO 8601 time' }).optional(),
};

export const updateAutonomyInput = z
  .object({
    workflowId: workflowIdSchema,
    autonomyLevel: autonomyLevelSchema,
    /** Defaults to the caller's own org unit. */
    orgUnitId: orgUnitIdSchema.optional(),
    reason: reasonText.optional(),
  })
  .strict();

export const startRunInput = {
  idempotencyKey: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  payload: z.record(z.unknown()).default({}),
};

export const draftNoteInput = { note: reasonText };
export const draftDiscardInput = { reason: reasonText };
