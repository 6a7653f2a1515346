import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assign, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, replayJournal, type JournalEntry, type WorkflowDefinition } from '../../../engine/workflows/index.js';
import { workflowEffects } from '../../../machines/workflow-effects.js';
import { builtinWorkflows } from '../../../machines/workflows/index.js';
import { workflowModule } from '../../support/workflows/chain-workflows.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/journals');
type Fixture = { workflowId: string; version: number; journal: JournalEntry[] };
const load = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as Fixture;
const definition = (id: string): WorkflowDefinition => {
  const found = [...workflowModule.workflows, ...builtinWorkflows].find((workflow) => workflow.id === id);
  if (!found) throw new Error(`no workflow ${id}`);
  return found;
};

describe('replaying recorded journals', () => {
  const files = readdirSync(fixtures).filter((file) => file.endsWith('.json'));

  it('has fixtures to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s replays clean on the current definition', (file) => {
    const fixture = load(file);
    const report = replayJournal(definition(fixture.workflowId), fixture.journal);
    expect(report.divergence).toBeNull();
    expect(report.steps.length).toBe(fixture.journal.filter((entry) => entry.kind !== 'state').length);
  });

  it('reports a changed machine at the exact step where it diverges, with what was recorded and what was produced', () => {
    const fixture = load('wf_test_chain3-v1.json');
    // The same chain, except that step 2 now writes step 20: a change made without a new version.
    const changed = setup({
      types: { context: {} as { chain: string; results: number[] }, input: {} as { trigger: { payload: Record<string, unknown> }; seed: string } },
      actions: { ...workflowEffects, record: assign({ results: ({ context, event }) => [...context.results, (event as unknown as { output: { written: number } }).output.written] }) },
    }).createMachine({
      id: 'wf_test_chain3',
      context: ({ input }) => ({ chain: typeof input.trigger.payload.chain === 'string' ? input.trigger.payload.chain : input.seed, results: [] }),
      initial: 'step1',
      states: {
        step1: {
          entry: { type: 'tool', params: ({ context }) => ({ step: 'step1', tool: 'test.write_effect', input: { chain: context.chain, step: 1 } }) },
          on: { 'tool.done': { target: 'step2', actions: 'record' } },
        },
        step2: {
          entry: { type: 'tool', params: ({ context }) => ({ step: 'step2', tool: 'test.write_effect', input: { chain: context.chain, step: 20 } }) },
          on: { 'tool.done': { target: 'step3', actions: 'record' } },
        },
        step3: {
          entry: { type: 'tool', params: ({ context }) => ({ step: 'step3', tool: 'test.write_effect', input: { chain: context.chain, step: 3 } }) },
          on: { 'tool.done': { target: 'done', actions: 'record' } },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => ({ results: context.results }),
    });
    const report = replayJournal(defineWorkflow({ ...definition('wf_test_chain3'), machine: changed }), fixture.journal);
    // Entry 3 is step 1's result: the transition it drives asks for step 2, which is where the change shows.
    expect(report.divergence).toMatchObject({ seq: 3, input: 'tool.done step1', matches: false });
    expect(report.steps.slice(0, -1).every((step) => step.matches)).toBe(true);
    expect(JSON.stringify(report.divergence?.recorded)).toContain('"step":2');
    expect(JSON.stringify(report.divergence?.produced)).toContain('"step":20');
  });

  it('reports a journal that the machine cannot even accept as a divergence, not a crash', () => {
    const fixture = load('wf_test_timer-v1.json');
    const report = replayJournal(definition('wf_test_chain3'), fixture.journal);
    expect(report.divergence).not.toBeNull();
  });
});
