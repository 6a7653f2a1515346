import type { RunEvent, StartInput } from './effects.js';
import type { StepOutcome } from './machine-step.js';

/**
 * A run's journal, the source of truth: every input the machine received, in order, each
 * followed by the outcome it produced. Inputs carry their clock readings, and the start
 * carries the random seed, so a replay reproduces the run without the world.
 */
export type JournalEntry =
  | Readonly<{ seq: number; kind: 'event'; step: null; payload: Readonly<{ start: StartInput }> }>
  | Readonly<{ seq: number; kind: 'tool_result'; step: string; payload: Readonly<{ event: RunEvent; actionId: string | null }> }>
  | Readonly<{ seq: number; kind: 'timer_fired'; step: null; payload: Readonly<{ event: RunEvent }> }>
  | Readonly<{ seq: number; kind: 'approval'; step: string; payload: Readonly<Record<string, unknown>> }>
  | Readonly<{ seq: number; kind: 'state'; step: null; payload: StepOutcome }>;

export type JournalDraft = DistributiveOmit<JournalEntry, 'seq'>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** The machine input a journal entry delivers, if it delivers one. */
export function inputOf(entry: JournalEntry): { start: StartInput } | { event: RunEvent } | undefined {
  switch (entry.kind) {
    case 'event':
      return { start: entry.payload.start };
    case 'tool_result':
    case 'timer_fired':
      return { event: entry.payload.event };
    default:
      return undefined;
  }
}
