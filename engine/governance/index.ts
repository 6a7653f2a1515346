export type { Action, Actor, RuleMatch, VerdictOutcome } from './action.js';
export { verdictOutcomes } from './action.js';
