import type { Action } from '../../engine/governance/index.js';
import { isRecord } from './action-results.js';

/** A tool's input as the record policies read (`input.*`); a bare value sits under `value`. */
export function inputRecord(input: unknown): Readonly<Record<string, unknown>> {
  return isRecord(input) ? input : { value: input };
}

/**
 * The action the governor judges: the caller's facts under the tool's own (a tool's facts
 * about live state win over a caller's claim), and the twin's `projected` and `risk`
 * figures, when given as facts, where policies read them.
 */
export function judgedAction(asCalled: Action, facts: Readonly<Record<string, unknown>>): Action {
  const context = { ...asCalled.context, ...facts };
  const projected = numbersOf(context.projected);
  const risk = numbersOf(context.risk);
  return { ...asCalled, context, ...(projected ? { projected } : {}), ...(risk ? { risk } : {}) };
}

function numbersOf(value: unknown): Record<string, number> | undefined {
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
