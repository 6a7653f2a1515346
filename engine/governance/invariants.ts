import type { Action } from './action.js';
import { killSwitchCovering, type KillSwitchState } from './kill-switch.js';

/**
 * Hard invariants: TypeScript, not data, so no policy text, API call or agent can change
 * them. Each one looks at the action and the live state and returns why it refuses, or
 * undefined. A field it needs but cannot find is a refusal too (fail closed).
 */
export type InvariantState = Readonly<{ killSwitch: KillSwitchState }>;

export type Invariant = Readonly<{
  name: string;
  applies(action: Action): boolean;
  refuse(action: Action, state: InvariantState): string | undefined;
}>;

const isPayout = (action: Action) => action.tool.startsWith('payouts.');
const wholeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

export const autonomyLevelsNeedingFounder: readonly string[] = ['a3_autonomous', 'a4_self_optimizing'];

export const invariants: readonly Invariant[] = [
  {
    name: 'kill_switch',
    applies: (action) => action.autonomous,
    refuse(action, state) {
      const scope = killSwitchCovering(state.killSwitch, action.tool);
      return scope && `the ${scope} kill switch is engaged: autonomous actions are stopped`;
    },
  },
  {
    name: 'payout_needs_reconciliation_and_risk_check',
    applies: isPayout,
    refuse(action) {
      if (action.context.reconciled !== true) return 'no payout without a reconciled ledger for the period';
      if (action.context.riskChecked !== true) return 'no payout without a risk check';
      return undefined;
    },
  },
  {
    name: 'payout_within_available_funds',
    applies: (action) => action.tool === 'payouts.post',
    refuse(action) {
      const amount = action.input.amountMinor;
      const collected = action.context.collectedNetMinor;
      const reserves = action.context.reservesMinor;
      const disputes = action.context.openDisputesMinor;
      if (!wholeNumber(amount) || !wholeNumber(collected) || !wholeNumber(reserves) || !wholeNumber(disputes)) {
        return 'payout amount or available funds unknown (amountMinor, collectedNetMinor, reservesMinor, openDisputesMinor)';
      }
      const available = collected - reserves - disputes;
      return amount > available ? `payout of ${amount} exceeds collected net minus reserves and open disputes (${available})` : undefined;
    },
  },
  {
    name: 'no_self_approval',
    applies: (action) => action.tool === 'governance.approve',
    refuse(action) {
      const requester = action.input.requestedBy;
      if (typeof requester !== 'string') return 'the approval names no requester';
      return requester === action.actor.id ? 'an actor never approves its own action' : undefined;
    },
  },
  {
    name: 'agents_never_approve',
    applies: (action) => action.tool === 'governance.approve',
    refuse: (action) => (action.actor.kind === 'agent' || action.actor.role === 'agent' ? 'an agent can propose but never approve' : undefined),
  },
  {
    name: 'founder_only',
    applies: (action) =>
      action.tool.startsWith('governance.policy.') ||
      action.tool === 'governance.kill_switch.release' ||
      (action.tool === 'workflows.set_autonomy' && autonomyLevelsNeedingFounder.includes(String(action.input.autonomyLevel))),
    refuse: (action) =>
      action.actor.role === 'founder' ? undefined : `only a founder may ${action.tool === 'workflows.set_autonomy' ? 'raise autonomy to A3/A4' : `do ${action.tool}`}`,
  },
];
