/**
 * Reading tool results inside a machine. A step a person did by hand (a completed A0
 * draft) reports their note instead of the tool's output, so every field is optional here
 * and a machine that finds its field missing ends as handled by a person.
 */
export type ToolEvent =
  | Readonly<{ type: 'tool.done'; step: string; output: unknown; at: number }>
  | Readonly<{ type: 'tool.failed'; step: string; code: string; message: string; at: number }>;

export function outputField(event: { type: string; output?: unknown }, key: string): unknown {
  const output = event.output;
  return typeof output === 'object' && output !== null && key in output ? (output as Record<string, unknown>)[key] : undefined;
}

export const stringField = (event: { type: string; output?: unknown }, key: string): string | undefined => {
  const value = outputField(event, key);
  return typeof value === 'string' ? value : undefined;
};

export const numberField = (event: { type: string; output?: unknown }, key: string): number | undefined => {
  const value = outputField(event, key);
  return typeof value === 'number' ? value : undefined;
};

/** Why a step failed, as the run's output states it. */
export function failureOf(event: { type: string; code?: string; message?: string }): string {
  return event.type === 'tool.failed' ? `${event.code ?? 'FAILED'}: ${event.message ?? 'the step failed'}` : `unexpected ${event.type}`;
}

/** The run's trigger: the business event (or API request) that started it. */
export type RunTrigger = Readonly<{ type: string; eventId: string | null; payload: Readonly<Record<string, unknown>> }>;
export type RunInput = Readonly<{ trigger: RunTrigger; seed: string; at: number }>;
