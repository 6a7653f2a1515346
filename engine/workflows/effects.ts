/**
 * What a workflow machine may ask of the world. Machines name these as actions with params
 * (`{ type: 'tool', params: ... }`); the runtime reads them off each transition and does
 * them durably. Nothing else leaves a machine: no invoked promises, no `after` timers.
 */
export type ToolEffect = Readonly<{ kind: 'tool'; step: string; tool: string; input: Readonly<Record<string, unknown>> }>;
export type TimerEffect = Readonly<{ kind: 'timer'; name: string; delayMs: number }>;
export type CancelTimerEffect = Readonly<{ kind: 'cancel_timer'; name: string }>;
export type Effect = ToolEffect | TimerEffect | CancelTimerEffect;

/** The action names machines use for effects. */
export const effectActionTypes = { tool: 'tool', timer: 'startTimer', cancelTimer: 'cancelTimer' } as const;

/** Events the runtime delivers; every one carries the clock reading it was delivered at. */
export type StartInput = Readonly<{
  /** The business event (or API request) that started the run. */
  trigger: Readonly<{ type: string; eventId: string | null; payload: Readonly<Record<string, unknown>> }>;
  /** Seed for the run's random draws: recorded with the start, so a replay draws the same. */
  seed: string;
  /** The clock when the run started, ms since the epoch. */
  at: number;
}>;

export type ToolDoneEvent = Readonly<{ type: 'tool.done'; step: string; output: unknown; at: number }>;
export type ToolFailedEvent = Readonly<{ type: 'tool.failed'; step: string; code: string; message: string; at: number }>;
export type TimerFiredEvent = Readonly<{ type: 'timer.fired'; name: string; at: number }>;
export type RunEvent = ToolDoneEvent | ToolFailedEvent | TimerFiredEvent;
