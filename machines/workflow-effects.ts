import type { Effect } from '../engine/workflows/index.js';

type Params<K extends Effect['kind']> = Omit<Extract<Effect, { kind: K }>, 'kind'>;

/**
 * The effects a workflow machine may name, declared for `setup({ actions })`. They do
 * nothing here on purpose: the durable runtime reads them off each transition and performs
 * them itself, once, with the result journaled.
 */
export const workflowEffects = {
  tool: (_: unknown, _params: Params<'tool'>) => undefined,
  startTimer: (_: unknown, _params: Params<'timer'>) => undefined,
  cancelTimer: (_: unknown, _params: Params<'cancel_timer'>) => undefined,
};
