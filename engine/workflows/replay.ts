import { inputOf, type JournalEntry } from './journal.js';
import { advanceMachine, outcomeText, startMachine, WorkflowMachineError, type PersistedMachine, type StepOutcome } from './machine-step.js';
import type { WorkflowDefinition } from './workflow-definition.js';

export type ReplayStep = Readonly<{
  /** The journal entry holding the input. */
  seq: number;
  input: string;
  recorded: StepOutcome | null;
  produced: StepOutcome | { error: string };
  matches: boolean;
}>;

export type ReplayReport = Readonly<{
  workflowId: string;
  version: number;
  steps: readonly ReplayStep[];
  /** The first step whose outcome differs from the record; replay stops there. */
  divergence: ReplayStep | null;
}>;

/**
 * Re-runs the machine from its start on the journal's inputs and compares each outcome with
 * the one recorded after that input. A difference means the definition no longer behaves as
 * it did when the run was recorded (non-determinism, or a change without a new version).
 */
export function replayJournal(definition: WorkflowDefinition, journal: readonly JournalEntry[]): ReplayReport {
  const steps: ReplayStep[] = [];
  let machine: PersistedMachine | undefined;
  const ordered = [...journal].sort((a, b) => a.seq - b.seq);
  for (const [index, entry] of ordered.entries()) {
    const input = inputOf(entry);
    if (!input) continue;
    const next = ordered[index + 1];
    const recorded = next?.kind === 'state' ? next.payload : null;
    let produced: StepOutcome | { error: string };
    try {
      const step =
        'start' in input
          ? startMachine(definition, input.start)
          : machine
            ? advanceMachine(definition, machine, input.event)
            : failMissingStart();
      machine = step.machine;
      produced = step.outcome;
    } catch (error) {
      produced = { error: error instanceof Error ? error.message : String(error) };
    }
    const matches = recorded !== null && !('error' in produced) && outcomeText(recorded) === outcomeText(produced);
    const step: ReplayStep = { seq: entry.seq, input: describeInput(input), recorded, produced, matches };
    steps.push(step);
    if (!matches) return { workflowId: definition.id, version: definition.version, steps, divergence: step };
  }
  return { workflowId: definition.id, version: definition.version, steps, divergence: null };
}

function failMissingStart(): never {
  throw new WorkflowMachineError('(journal)', 'the journal delivers an event before the run started');
}

function describeInput(input: NonNullable<ReturnType<typeof inputOf>>): string {
  if ('start' in input) return `start (${input.start.trigger.type})`;
  const { event } = input;
  switch (event.type) {
    case 'tool.done':
      return `tool.done ${event.step}`;
    case 'tool.failed':
      return `tool.failed ${event.step} (${event.code})`;
    case 'timer.fired':
      return `timer.fired ${event.name}`;
  }
}
