import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, workflowCatalog } from '../../../engine/workflows/index.js';
import { chainWorkflow } from '../../support/workflows/chain-workflows.js';

const base = { version: 1, name: 'w', description: '', triggers: [], tools: [], defaultAutonomy: 'a2_supervised' as const };

describe('workflow definitions', () => {
  it("refuses machines with 'after' timers or invoked actors, naming the state: neither survives a restore", () => {
    const sleepy = createMachine({ id: 'sleepy', initial: 'a', states: { a: { after: { 1000: 'b' } }, b: { type: 'final' } } });
    expect(() => defineWorkflow({ ...base, id: 'wf_sleepy', machine: sleepy })).toThrow("sleepy.a uses 'after' (use the startTimer effect)");
    const invoking = createMachine({ id: 'invoking', initial: 'a', states: { a: { invoke: { src: 'x' } } } });
    expect(() => defineWorkflow({ ...base, id: 'wf_invoking', machine: invoking })).toThrow('invoking.a invokes an actor (use the tool effect)');
  });

  it('refuses ids outside wf_ form and versions below 1', () => {
    const machine = createMachine({ id: 'm' });
    expect(() => defineWorkflow({ ...base, id: 'pricing', machine })).toThrow('must match');
    expect(() => defineWorkflow({ ...base, id: 'wf_ok', version: 0, machine })).toThrow('version must be a positive integer');
  });

  it('keeps every version: a run finds the one it started with, new runs the latest', () => {
    const catalog = workflowCatalog([chainWorkflow('wf_chain', 3, 1), chainWorkflow('wf_chain', 4, 2)]);
    expect(catalog.latest('wf_chain')?.version).toBe(2);
    expect(catalog.version('wf_chain', 1)?.version).toBe(1);
    expect(() => workflowCatalog([chainWorkflow('wf_chain', 3, 1), chainWorkflow('wf_chain', 3, 1)])).toThrow('wf_chain@1 is defined twice');
  });
});
