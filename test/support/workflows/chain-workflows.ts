import { sql } from 'slonik';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow, type WorkflowDefinition } from '../../../engine/workflows/index.js';
import { workflowEffects } from '../../../machines/workflow-effects.js';
import { TransientToolError } from '../../../server/tools/tool-errors.js';
import { defineTool, type ToolImplementation } from '../../../server/tools/tool-implementation.js';
import type { WorkflowModule } from '../../../server/workflows/workflow-modules.js';

/**
 * Workflows for testing the runtime, loaded by servers under test through
 * BOS_WORKFLOW_MODULES: chains of steps whose tool writes one row per step to a side-effect
 * table, so a test can count that every effect happened exactly once.
 */

export const sideEffectsTable = 'test_side_effects';

const writeEffect = defineTool({
  spec: {
    name: 'test.write_effect',
    description: 'Writes one row to the side-effect table',
    input: z.object({ chain: z.string(), step: z.number().int() }).strict(),
    output: z.object({ written: z.number().int() }),
    effect: 'write',
    risk: 'low',
    allowedRoles: ['founder', 'operator', 'agent', 'system'],
    timeoutMs: 5_000,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    idempotency: 'transactional',
    cost: () => 0,
  },
  async execute({ db, idempotencyKey }, input) {
    // written_by: which server process did the step (tests of several processes count each one's share).
    await db.query(sql.unsafe`
      INSERT INTO test_side_effects (chain, step, idempotency_key, written_by) VALUES (${input.chain}, ${input.step}, ${idempotencyKey}, ${process.pid})`);
    return { written: input.step };
  },
});

/** Keys whose first attempt has failed: the flaky tool fails each key once, then behaves. */
const failedOnce = new Set<string>();

const flakyEffect = defineTool({
  spec: { ...writeEffect.spec, name: 'test.flaky_effect', description: 'Writes one row to the side-effect table, failing the first attempt of each key' },
  async execute(context, input) {
    // The row goes in first, so a failure must roll it back to keep each effect once.
    const written = await writeEffect.execute(context, input);
    if (!failedOnce.has(context.idempotencyKey)) {
      failedOnce.add(context.idempotencyKey);
      throw new TransientToolError('test.flaky_effect: failing this key once');
    }
    return written;
  },
});

/** A workflow of `steps` tool calls in a row; its output is the steps' results in order. */
export function chainWorkflow(id: string, steps: number, version = 1, triggers: readonly string[] = [], flakyStep?: number): WorkflowDefinition {
  const states: Record<string, object> = {};
  for (let step = 1; step <= steps; step += 1) {
    states[`step${step}`] = {
      entry: { type: 'tool', params: ({ context }: { context: { chain: string } }) => ({ step: `step${step}`, tool: step === flakyStep ? 'test.flaky_effect' : 'test.write_effect', input: { chain: context.chain, step } }) },
      on: {
        'tool.done': { target: step === steps ? 'done' : `step${step + 1}`, actions: 'record' },
        'tool.failed': { target: 'failed' },
      },
    };
  }
  const machine = setup({
    types: { context: {} as { chain: string; results: number[] }, input: {} as { trigger: { payload: Record<string, unknown> }; seed: string } },
    actions: {
      ...workflowEffects,
      record: assign({ results: ({ context, event }) => [...context.results, (event as unknown as { output: { written: number } }).output.written] }),
    },
  }).createMachine({
    id,
    context: ({ input }) => ({ chain: typeof input.trigger.payload.chain === 'string' ? input.trigger.payload.chain : input.seed, results: [] }),
    initial: 'step1',
    states: { ...states, done: { type: 'final' }, failed: { type: 'final' } },
    output: ({ context }) => ({ results: context.results }),
  });
  return defineWorkflow({ id, version, name: `Chain of ${steps}`, description: `${steps} steps, one row each`, triggers, tools: ['test.write_effect', 'test.flaky_effect'], defaultAutonomy: 'a2_supervised', machine });
}

/** Writes a row, waits on a durable timer, writes another. */
export function timerWorkflow(id: string, delayMs: number): WorkflowDefinition {
  const machine = setup({
    types: { context: {} as { chain: string }, input: {} as { trigger: { payload: Record<string, unknown> }; seed: string } },
    actions: workflowEffects,
  }).createMachine({
    id,
    context: ({ input }) => ({ chain: typeof input.trigger.payload.chain === 'string' ? input.trigger.payload.chain : input.seed }),
    initial: 'before',
    states: {
      before: {
        entry: { type: 'tool', params: ({ context }) => ({ step: 'before', tool: 'test.write_effect', input: { chain: context.chain, step: 1 } }) },
        on: { 'tool.done': 'sleeping' },
      },
      sleeping: {
        entry: { type: 'startTimer', params: { name: 'nap', delayMs } },
        on: { 'timer.fired': 'after' },
      },
      after: {
        entry: { type: 'tool', params: ({ context }) => ({ step: 'after', tool: 'test.write_effect', input: { chain: context.chain, step: 2 } }) },
        on: { 'tool.done': 'done' },
      },
      done: { type: 'final' },
    },
  });
  return defineWorkflow({ id, version: 1, name: 'Timer', description: 'write, sleep, write', triggers: [], tools: ['test.write_effect'], defaultAutonomy: 'a2_supervised', machine });
}

export const testTools: readonly ToolImplementation[] = [writeEffect, flakyEffect];

export const workflowModule: WorkflowModule = {
  workflows: [
    chainWorkflow('wf_test_chain3', 3),
    chainWorkflow('wf_test_chain5', 5),
    chainWorkflow('wf_test_triggered', 2, 1, ['content.requested']),
    chainWorkflow('wf_test_flaky', 3, 1, [], 2),
    timerWorkflow('wf_test_timer', 2_000),
  ],
  tools: testTools,
  async prepare(pool) {
    await pool.query(sql.unsafe`
      CREATE TABLE IF NOT EXISTS test_side_effects (
        chain text NOT NULL, step integer NOT NULL, idempotency_key text NOT NULL UNIQUE, written_by integer NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now())`);
  },
};
