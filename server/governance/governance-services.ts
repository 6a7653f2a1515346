import { createApprovalService, type ApprovalService } from './approval-service.js';
import type { GovernanceDeps } from './governance-deps.js';
import { createGovernorService, type GovernorService } from './governor-service.js';
import { createIncidentService, type IncidentService } from './incident-service.js';
import { createKillSwitchService, type KillSwitchService } from './kill-switch-service.js';
import { createKillSwitchStateCache, type KillSwitchStateCache } from './kill-switch-state.js';
import { createPolicySets, type PolicySets } from './policy-sets.js';
import { createPolicyStore, type PolicyStore } from './policy-store.js';

export type GovernanceServices = Readonly<{
  governor: GovernorService;
  policies: PolicyStore;
  approvals: ApprovalService;
  killSwitch: KillSwitchService;
  incidents: IncidentService;
  /** The caches behind the governor, for readiness checks and tests. */
  policySets: PolicySets;
  killSwitchState: KillSwitchStateCache;
}>;

export type GovernanceOptions = Readonly<{
  /** How late a change made by another process reaches this one's governor (default 1 s each). */
  policyTtlMs?: number;
  killSwitchTtlMs?: number;
  incidentCoalesceMs?: number;
}>;

/**
 * The governance plane for one process: one governor (and so one kill-switch and policy
 * cache) shared by every service, so an engage or a policy change here applies to the very
 * next verdict. Build it once per process and hand it to the API, the runtime and the CLI.
 */
export function createGovernanceServices(deps: GovernanceDeps, options: GovernanceOptions = {}): GovernanceServices {
  const policySets = createPolicySets(deps.pool, { clock: deps.clock, logger: deps.logger, ttlMs: options.policyTtlMs });
  const killSwitchState = createKillSwitchStateCache(deps.pool, { clock: deps.clock, ttlMs: options.killSwitchTtlMs });
  const incidents = createIncidentService(deps);
  const governor = createGovernorService({ ...deps, policySets, killSwitch: killSwitchState, incidents, incidentCoalesceMs: options.incidentCoalesceMs });
  return {
    governor,
    policies: createPolicyStore({ ...deps, governor, policySets }),
    approvals: createApprovalService({ ...deps, governor }),
    killSwitch: createKillSwitchService({ ...deps, governor, killSwitch: killSwitchState }),
    incidents,
    policySets,
    killSwitchState,
  };
}
