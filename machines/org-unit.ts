import { assign, setup } from 'xstate';
import { killSwitchCovering, type KillSwitchScope } from '../engine/governance/index.js';
import type { AutonomyLevel } from '../engine/workflows/index.js';

/**
 * An org unit as the runtime sees it: whether its kill switch halts work, and each
 * workflow's autonomy level and pause switch. The runtime keeps one actor per org unit,
 * feeds it what changed, and asks it before a run may act.
 */
export type OrgUnitContext = {
  orgUnitId: string;
  killSwitch: readonly KillSwitchScope[];
  workflows: Readonly<Record<string, { autonomy: AutonomyLevel; paused: boolean }>>;
};

export type OrgUnitEvent =
  | { type: 'kill_switch.changed'; engaged: readonly KillSwitchScope[] }
  | { type: 'workflows.loaded'; workflows: OrgUnitContext['workflows'] }
  | { type: 'workflow.autonomy_changed'; workflowId: string; autonomy: AutonomyLevel }
  | { type: 'workflow.paused'; workflowId: string }
  | { type: 'workflow.resumed'; workflowId: string };

export const orgUnitMachine = setup({
  types: { context: {} as OrgUnitContext, events: {} as OrgUnitEvent, input: {} as { orgUnitId: string } },
  guards: {
    globalHalt: ({ event }) => event.type === 'kill_switch.changed' && event.engaged.includes('global'),
  },
  actions: {
    recordKillSwitch: assign({ killSwitch: ({ event }) => (event.type === 'kill_switch.changed' ? event.engaged : []) }),
  },
}).createMachine({
  id: 'orgUnit',
  context: ({ input }) => ({ orgUnitId: input.orgUnitId, killSwitch: [], workflows: {} }),
  initial: 'operating',
  on: {
    'workflows.loaded': { actions: assign({ workflows: ({ event }) => event.workflows }) },
    'workflow.autonomy_changed': {
      actions: assign({ workflows: ({ context, event }) => patch(context.workflows, event.workflowId, { autonomy: event.autonomy }) }),
    },
    'workflow.paused': { actions: assign({ workflows: ({ context, event }) => patch(context.workflows, event.workflowId, { paused: true }) }) },
    'workflow.resumed': { actions: assign({ workflows: ({ context, event }) => patch(context.workflows, event.workflowId, { paused: false }) }) },
  },
  states: {
    operating: {
      on: {
        'kill_switch.changed': [
          { guard: 'globalHalt', target: 'halted', actions: 'recordKillSwitch' },
          { actions: 'recordKillSwitch' },
        ],
      },
    },
    halted: {
      on: {
        'kill_switch.changed': [
          { guard: 'globalHalt', actions: 'recordKillSwitch' },
          { target: 'operating', actions: 'recordKillSwitch' },
        ],
      },
    },
  },
});

function patch(
  workflows: OrgUnitContext['workflows'],
  workflowId: string,
  change: Partial<{ autonomy: AutonomyLevel; paused: boolean }>,
): OrgUnitContext['workflows'] {
  const current = workflows[workflowId];
  if (!current) return workflows;
  return { ...workflows, [workflowId]: { ...current, ...change } };
}

/** Why a workflow may not act with this tool right now, or undefined when it may. */
export function holdReason(context: OrgUnitContext, workflowId: string, tool: string): string | undefined {
  const scope = killSwitchCovering({ engaged: new Set(context.killSwitch) }, tool);
  if (scope) return `kill switch engaged (${scope})`;
  if (context.workflows[workflowId]?.paused) return 'workflow paused';
  return undefined;
}
