/** The server's wire shapes, inferred from its browser-safe contracts (types only: nothing is bundled). */
import type { z } from 'zod';
import type { annotationDto, dashboardDto, metricsPointDto, stateHistoryDto } from '$contracts/dashboard';
import type { decisionDto } from '$contracts/decisions';
import type { approvalDto, auditVerifyDto, incidentDto, killSwitchStateDto } from '$contracts/governance';
import type { balanceDto, reconciliationDto, transferDto, trialBalanceDto } from '$contracts/ledger';
import type { draftDto, journalEntryDto, replayReportDto, runDto, workflowDto } from '$contracts/workflows';
import type { simulationDto } from '$contracts/twin';
import type { verdictDto } from '$contracts/verdicts';

export type { StreamEnvelope, ServerToClientEvents, ClientToServerEvents, SubscribeAck } from '$contracts/stream-events';

export type Dashboard = z.infer<typeof dashboardDto>;
export type MetricsPoint = z.infer<typeof metricsPointDto>;
export type Annotation = z.infer<typeof annotationDto>;
export type StateHistory = z.infer<typeof stateHistoryDto>;
export type Decision = z.infer<typeof decisionDto>;
export type Approval = z.infer<typeof approvalDto>;
export type Incident = z.infer<typeof incidentDto>;
export type AuditVerify = z.infer<typeof auditVerifyDto>;
export type KillSwitchState = z.infer<typeof killSwitchStateDto>;
export type Balance = z.infer<typeof balanceDto>;
export type Transfer = z.infer<typeof transferDto>;
export type TrialBalance = z.infer<typeof trialBalanceDto>;
export type Reconciliation = z.infer<typeof reconciliationDto>;
export type Workflow = z.infer<typeof workflowDto>;
export type Run = z.infer<typeof runDto>;
export type RunWithJournal = Run & { journal: z.infer<typeof journalEntryDto>[] };
export type ReplayReport = z.infer<typeof replayReportDto>;
export type Draft = z.infer<typeof draftDto>;
export type Simulation = z.infer<typeof simulationDto>;
export type Verdict = z.infer<typeof verdictDto>;
export type Role = 'founder' | 'operator' | 'viewer' | 'agent';

export type Session = { principal: { id: string; name: string; role: Role }; orgUnitId: string; csrfToken: string };
export type Items<T> = { items: T[] };
