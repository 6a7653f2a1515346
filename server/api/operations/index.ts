import type { DatabasePool } from 'slonik';
import type { Authenticator } from '../../auth/authenticator.js';
import type { DecisionService } from '../../decisions/decision-service.js';
import type { PolicyService } from '../../decisions/policy-service.js';
import type { GovernanceServices } from '../../governance/governance-services.js';
import type { EventIngestion } from '../../ingestion/event-ingestion.js';
import type { GoalService } from '../../goals/goal-service.js';
import { catalogOperations } from './catalog-operations.js';
import { dashboardOperations } from './dashboard-operations.js';
import { decisionOperations } from './decision-operations.js';
import { eventOperations } from './event-operations.js';
import { goalOperations } from './goal-operations.js';
import { governanceOperations } from './governance-operations.js';
import { ledgerOperations } from './ledger-operations.js';
import { orgUnitOperations } from './org-unit-operations.js';
import { tokenOperations } from './token-operations.js';
import { toolOperations } from './tool-operations.js';
import { twinOperations } from './twin-operations.js';
import { verdictOperations } from './verdict-operations.js';
import { workflowOperations } from './workflow-operations.js';
import type { LedgerService } from '../../ledger/ledger-service.js';
import type { ToolRouter } from '../../tools/tool-implementation.js';
import type { CalibrationService } from '../../twin/calibration-service.js';
import type { TwinService } from '../../twin/twin-service.js';
import type { WorkflowService } from '../../workflows/workflow-service.js';

export type OperationDeps = Readonly<{
  pool: DatabasePool;
  authenticator: Authenticator;
  governance: GovernanceServices;
  ingestion: EventIngestion;
  workflows: WorkflowService;
  ledger: LedgerService;
  decisions: DecisionService;
  policies: PolicyService;
  goals: GoalService;
  /** Every write that is a side effect goes through it with the caller as the actor. */
  tools: ToolRouter;
  /** The digital twin: simulations, sweeps and calibration status. */
  twin: TwinService;
  calibration: CalibrationService;
  now: () => number;
}>;

/** Every operation of the API, by procedure name: served as REST, tRPC and OpenAPI alike. */
export function createOperations(deps: OperationDeps) {
  return {
    ...orgUnitOperations(deps),
    ...catalogOperations(deps),
    ...tokenOperations(deps),
    ...governanceOperations(deps),
    ...eventOperations(deps),
    ...workflowOperations(deps),
    ...toolOperations(deps),
    ...ledgerOperations(deps),
    ...decisionOperations(deps),
    ...goalOperations(deps),
    ...twinOperations(deps),
    ...dashboardOperations(deps),
    ...verdictOperations(deps),
  };
}

export type Operations = ReturnType<typeof createOperations>;
