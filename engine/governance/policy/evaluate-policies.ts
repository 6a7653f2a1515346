import type { Action } from '../action.js';
import type { CompiledPolicy } from './compile-policy.js';
import type { PolicyEvaluation } from './policy-evaluation.js';
import type { PolicySet } from './policy-set.js';
import { createPolicySet } from './policy-set.js';

// A memo, not state: the index is a pure function of the (immutable) policies array, built
// the first time that array is seen and dropped with it. Callers keep one array per loaded
// version set; a fresh array each call still works, it only re-indexes.
const sets = new WeakMap<readonly CompiledPolicy[], PolicySet>();

/** Evaluates an action against compiled policies (see createPolicySet for the rules). */
export function evaluatePolicies(policies: readonly CompiledPolicy[], action: Action): PolicyEvaluation {
  let set = sets.get(policies);
  if (set === undefined) {
    set = createPolicySet(policies);
    sets.set(policies, set);
  }
  return set.evaluate(action);
}
