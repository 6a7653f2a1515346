import { assign, setup } from 'xstate';
import type { ToolCall, ToolCallResult } from '../engine/tools/tool.js';

/**
 * An agent's proposal of one action: it names the call (the `propose` effect), and the
 * router's answer moves it to how the proposal ended. The runtime in server/ provides
 * `propose` (`machine.provide`), which calls the tool router and sends back `router.answered`.
 */
export type AgentContext = { call: ToolCall; result: ToolCallResult | null };
export type AgentEvent = { type: 'router.answered'; result: ToolCallResult } | { type: 'router.unreachable'; message: string };

export const agentMachine = setup({
  types: { context: {} as AgentContext, events: {} as AgentEvent, input: {} as { call: ToolCall }, output: {} as ToolCallResult | null },
  actions: {
    propose: (_: unknown, _params: { call: ToolCall }) => undefined,
    record: assign({ result: ({ event }) => (event.type === 'router.answered' ? event.result : null) }),
  },
  guards: {
    answered: ({ event }, params: { statuses: readonly ToolCallResult['status'][] }) =>
      event.type === 'router.answered' && params.statuses.includes(event.result.status),
  },
}).createMachine({
  id: 'agent',
  context: ({ input }) => ({ call: input.call, result: null }),
  initial: 'proposing',
  states: {
    proposing: {
      entry: { type: 'propose', params: ({ context }) => ({ call: context.call }) },
      on: {
        'router.answered': [
          { guard: { type: 'answered', params: { statuses: ['succeeded'] } }, target: 'executed', actions: 'record' },
          { guard: { type: 'answered', params: { statuses: ['dry_run', 'simulated'] } }, target: 'previewed', actions: 'record' },
          { guard: { type: 'answered', params: { statuses: ['awaiting_approval'] } }, target: 'awaitingApproval', actions: 'record' },
          { guard: { type: 'answered', params: { statuses: ['draft'] } }, target: 'drafted', actions: 'record' },
          { target: 'refused', actions: 'record' },
        ],
        'router.unreachable': 'unreachable',
      },
    },
    executed: { type: 'final' },
    previewed: { type: 'final' },
    awaitingApproval: { type: 'final' },
    drafted: { type: 'final' },
    refused: { type: 'final' },
    unreachable: { type: 'final' },
  },
  output: ({ context }) => context.result,
});
