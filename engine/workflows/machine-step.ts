import canonicalize from 'canonicalize';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { z } from 'zod';
import { effectActionTypes, type Effect, type RunEvent, type StartInput } from './effects.js';
import type { WorkflowDefinition } from './workflow-definition.js';

/**
 * Runs a workflow machine one event at a time, purely: XState's `transition` computes the
 * next snapshot and the actions without executing them, and the actions a machine may name
 * are read off as effects. The runtime persists the result; replay calls the same code.
 */

/** A snapshot as stored (XState's persisted form, plain JSON). */
export type PersistedMachine = Readonly<{
  value: unknown;
  context: unknown;
  historyValue?: unknown;
  status: 'active' | 'done' | 'error' | 'stopped';
  output?: unknown;
  error?: unknown;
}>;

/** What a transition produced: what the journal records beside each input, and replay compares. */
export type StepOutcome = Readonly<{
  value: unknown;
  status: PersistedMachine['status'];
  effects: readonly Effect[];
  output?: unknown;
}>;

export type Step = Readonly<{ machine: PersistedMachine; outcome: StepOutcome }>;

export class WorkflowMachineError extends Error {
  constructor(
    readonly workflowId: string,
    message: string,
  ) {
    super(`workflow ${workflowId}: ${message}`);
    this.name = 'WorkflowMachineError';
  }
}

export function startMachine(definition: WorkflowDefinition, input: StartInput): Step {
  return settle(definition, () => initialTransition(definition.machine, input));
}

export function advanceMachine(definition: WorkflowDefinition, persisted: PersistedMachine, event: RunEvent): Step {
  const { machine } = definition;
  return settle(definition, () => {
    const snapshot = machine.resolveState({
      value: persisted.value as never,
      context: persisted.context,
      ...(persisted.historyValue === undefined ? {} : { historyValue: persisted.historyValue as never }),
    });
    return transition(machine, snapshot, event as never);
  });
}

/** The same outcome, as one canonical text: what "the same step" means to replay. */
export function outcomeText(outcome: StepOutcome): string {
  return canonicalize(outcome) ?? '';
}

function settle(definition: WorkflowDefinition, run: () => [AnyMachineSnapshot, readonly { type: string; params?: unknown }[]]): Step {
  let snapshot: AnyMachineSnapshot;
  let actions: readonly { type: string; params?: unknown }[];
  try {
    [snapshot, actions] = run();
  } catch (error) {
    throw new WorkflowMachineError(definition.id, error instanceof Error ? error.message : String(error));
  }
  const machine = definition.machine.getPersistedSnapshot(snapshot) as PersistedMachine;
  // JSON round trip: what is stored is what a replay starts from, so nothing may live only in memory.
  const stored = JSON.parse(JSON.stringify(machine)) as PersistedMachine;
  const effects = actions.flatMap((action) => effectOf(definition.id, action));
  return {
    machine: stored,
    outcome: { value: stored.value, status: stored.status, effects, ...(stored.status === 'done' ? { output: stored.output ?? null } : {}) },
  };
}

const toolParams = z.object({ step: z.string().min(1).max(100), tool: z.string().min(1), input: z.record(z.unknown()) }).strict();
const timerParams = z.object({ name: z.string().min(1).max(100), delayMs: z.number().int().min(0) }).strict();
const cancelParams = z.object({ name: z.string().min(1).max(100) }).strict();

function effectOf(workflowId: string, action: { type: string; params?: unknown }): Effect[] {
  const parse = <T>(schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(action.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new WorkflowMachineError(workflowId, `${action.type} params ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'are invalid'}`);
    }
    return parsed.data;
  };
  switch (action.type) {
    case effectActionTypes.tool:
      return [{ kind: 'tool', ...parse(toolParams) }];
    case effectActionTypes.timer:
      return [{ kind: 'timer', ...parse(timerParams) }];
    case effectActionTypes.cancelTimer:
      return [{ kind: 'cancel_timer', ...parse(cancelParams) }];
    default:
      // XState's own actions (assign, raise, ...) are applied inside the transition.
      if (action.type.startsWith('xstate.')) return [];
      throw new WorkflowMachineError(workflowId, `action ${JSON.stringify(action.type)} is not an effect the runtime knows (tool, startTimer, cancelTimer)`);
  }
}
