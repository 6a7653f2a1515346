export type { Action, Actor, RuleMatch, VerdictOutcome } from './action.js';
export { verdictOutcomes } from './action.js';
export { actionHash, actionJson, canonicalActionText, type ActionJson } from './action-hash.js';
export { evaluateAction, type GovernorInput, type Verdict } from './governor.js';
export { autonomyLevelsNeedingFounder, invariants, type Invariant, type InvariantState } from './invariants.js';
export { killSwitchCovering, killSwitchOff, killSwitchScopes, toolDomain, type KillSwitchScope, type KillSwitchState } from './kill-switch.js';
export * from './policy/index.js';
export * from './audit/index.js';
export * from './record-states.js';
