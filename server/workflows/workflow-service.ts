import type { DatabasePool } from 'slonik';
import { findAction, listActions } from '../../db/queries/actions.js';
import { countRunsByStatus, findRun, findRunByKey, listRuns, readJournal, type RunRow, type RunStatus } from '../../db/queries/workflow-runs.js';
import { findWorkflow, installWorkflow, listWorkflows, setWorkflowAutonomy, setWorkflowPaused, type WorkflowRow } from '../../db/queries/workflows.js';
import { autonomyLevelsNeedingFounder, type Actor } from '../../engine/governance/index.js';
import type { AutonomyLevel, WorkflowCatalog } from '../../engine/workflows/index.js';
import { replayRun } from './replay-run.js';
import type { Clock } from '../../engine/kernel/index.js';
import { AppError, notFound } from '../errors/catalog.js';
import type { AuditWriter } from '../governance/audit-writer.js';
import { systemActor } from '../governance/governance-deps.js';
import type { GovernorService } from '../governance/governor-service.js';
import type { IncidentService } from '../governance/incident-service.js';
import type { ToolRouter } from '../tools/tool-implementation.js';
import type { RunState } from './run-state.js';
import type { WorkflowRuntime } from './workflow-runtime.js';

export type WorkflowServiceDeps = Readonly<{
  pool: DatabasePool;
  catalog: WorkflowCatalog;
  runtime: WorkflowRuntime;
  router: ToolRouter;
  governor: GovernorService;
  incidents: IncidentService;
  audit: AuditWriter;
  clock: Clock;
  /** What a raise to A3/A4 is judged on; reasons refuse it (see PolicyService.autonomyEvidence). */
  autonomyEvidence?: (actor: Actor, orgUnitId: string, workflowId: string) => Promise<{ readonly reasons: readonly string[] } | null>;
}>;

/** A3/A4: the levels that act without a person watching (so only a founder sets them). */
const autonomous = (level: AutonomyLevel) => autonomyLevelsNeedingFounder.includes(level);

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** What operators and programs do with workflows: look, replay, set autonomy, pause, settle drafts. */
export function createWorkflowService(deps: WorkflowServiceDeps) {
  const { pool, catalog, runtime, router, governor, audit } = deps;

  async function workflowOrThrow(orgUnitId: string, workflowId: string): Promise<WorkflowRow> {
    const row = await findWorkflow(pool, orgUnitId, workflowId);
    if (!row) throw notFound(`Workflow ${workflowId}`);
    return row;
  }

  async function runOrThrow(orgUnitId: string, runId: string): Promise<RunRow> {
    const run = await findRun(pool, orgUnitId, runId);
    if (!run) throw notFound(`Run ${runId}`);
    return run;
  }

  /** A change of a workflow's settings is a governed action: judged, audited, and refused with the verdict's reasons. */
  async function governedChange(orgUnitId: string, actor: Actor, tool: string, input: Record<string, unknown>) {
    return governor.authorize({ orgUnitId, actor, tool, input, context: {}, autonomous: actor.kind !== 'user' });
  }

  return {
    /** Installs every registered workflow's latest version in these org units (idempotent). */
    async install(orgUnitIds: readonly string[]): Promise<void> {
      for (const orgUnitId of orgUnitIds) {
        for (const definition of catalog.all()) {
          await installWorkflow(pool, {
            orgUnitId,
            id: definition.id,
            name: definition.name,
            description: definition.description,
            version: definition.version,
            definition: { machine: definition.machine.id, tools: definition.tools },
            triggers: definition.triggers,
            defaultAutonomy: definition.defaultAutonomy,
          });
        }
      }
    },

    async list(orgUnitId: string) {
      const [rows, counts] = await Promise.all([listWorkflows(pool, orgUnitId), countRunsByStatus(pool, orgUnitId)]);
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        description: row.description,
        version: row.definition_version,
        triggers: row.triggers,
        autonomy: row.autonomy,
        paused: row.paused,
        runs: counts.get(row.id) ?? {},
        updatedAt: row.updated_at.toISOString(),
      }));
    },

    async runs(orgUnitId: string, workflowId: string, filters: { status?: RunStatus; limit: number; before?: string }) {
      await workflowOrThrow(orgUnitId, workflowId);
      const rows = await listRuns(pool, { orgUnitId, workflowId, status: filters.status, limit: filters.limit, before: filters.before ? new Date(filters.before) : undefined });
      return rows.map(runView);
    },

    async run(orgUnitId: string, runId: string) {
      const run = await runOrThrow(orgUnitId, runId);
      const journal = await readJournal(pool, run.id);
      return {
        ...runView(run),
        journal: journal.map((entry) => ({ seq: entry.seq, kind: entry.kind, step: entry.step, payload: entry.payload, at: entry.created_at.toISOString() })),
      };
    },

    replay: (orgUnitId: string, runId: string) => replayRun(pool, catalog, orgUnitId, runId),

    async setAutonomy(actor: Actor, orgUnitId: string, workflowId: string, level: AutonomyLevel, reason: string | undefined) {
      const current = await workflowOrThrow(orgUnitId, workflowId);
      const verdict = await governedChange(orgUnitId, actor, 'workflows.set_autonomy', { workflowId, autonomyLevel: level, from: current.autonomy });
      const raising = autonomous(level) && !autonomous(current.autonomy);
      const evidence = raising && deps.autonomyEvidence ? await deps.autonomyEvidence(actor, orgUnitId, workflowId) : null;
      if (evidence && evidence.reasons.length > 0) {
        await audit.append(orgUnitId, { kind: 'autonomy.raise_refused', actor: actor.id, data: { workflowId, from: current.autonomy, to: level, verdictId: verdict.id, evidence } });
        throw new AppError('PRECONDITION_FAILED', `${workflowId} stays at ${current.autonomy}: ${evidence.reasons.join('; ')}`);
      }
      const changed = await setWorkflowAutonomy(pool, { orgUnitId, id: workflowId, autonomy: level });
      if (!changed) throw notFound(`Workflow ${workflowId}`);
      await audit.append(orgUnitId, {
        kind: 'autonomy.changed',
        actor: actor.id,
        data: { workflowId, from: changed.before.autonomy, to: level, reason: reason ?? null, verdictId: verdict.id, ...(evidence ? { evidence } : {}) },
      });
      runtime.settingsChanged(orgUnitId, workflowId, { autonomy: level });
      return { workflowId, orgUnitId, autonomyLevel: level, previousLevel: changed.before.autonomy, verdictId: verdict.id };
    },

    /**
     * The monitoring hook of A3/A4 (DESIGN §4), driven by the evaluator: a regression in a
     * workflow's outcomes opens an incident, and an A3/A4 workflow drops to A2 (audited).
     * Lowering autonomy is always allowed, so it is not put to the governor.
     */
    async regressionDetected(orgUnitId: string, workflowId: string, finding: { metric: string; detail: string }) {
      const current = await workflowOrThrow(orgUnitId, workflowId);
      const drops = autonomous(current.autonomy);
      const incident = await deps.incidents.open(
        {
          orgUnitId,
          severity: 'high',
          source: 'evaluator',
          title: `Regression in ${workflowId}: ${finding.metric}`.slice(0, 500),
          description: `${finding.detail}${drops ? `\nAutonomy dropped from ${current.autonomy} to a2_supervised.` : ''}`,
        },
        systemActor,
      );
      if (drops) {
        await setWorkflowAutonomy(pool, { orgUnitId, id: workflowId, autonomy: 'a2_supervised' });
        await audit.append(orgUnitId, {
          kind: 'autonomy.changed',
          actor: systemActor.id,
          data: { workflowId, from: current.autonomy, to: 'a2_supervised', reason: `regression: ${finding.metric}`, incidentId: incident.id },
        });
        runtime.settingsChanged(orgUnitId, workflowId, { autonomy: 'a2_supervised' });
      }
      return { workflowId, autonomyLevel: drops ? 'a2_supervised' : current.autonomy, previousLevel: current.autonomy, incidentId: incident.id };
    },

    async setPaused(actor: Actor, orgUnitId: string, workflowId: string, paused: boolean) {
      await workflowOrThrow(orgUnitId, workflowId);
      const verdict = await governedChange(orgUnitId, actor, paused ? 'workflows.pause' : 'workflows.resume', { workflowId });
      const row = await setWorkflowPaused(pool, { orgUnitId, id: workflowId, paused });
      if (!row) throw notFound(`Workflow ${workflowId}`);
      await audit.append(orgUnitId, { kind: 'action', actor: actor.id, data: { tool: paused ? 'workflows.pause' : 'workflows.resume', workflowId, verdictId: verdict.id } });
      runtime.settingsChanged(orgUnitId, workflowId, { paused });
      if (!paused) await runtime.wake();
      return { workflowId, paused, verdictId: verdict.id };
    },

    async startRun(orgUnitId: string, workflowId: string, idempotencyKey: string, payload: Record<string, unknown>) {
      await workflowOrThrow(orgUnitId, workflowId);
      const created = await runtime.startRun(orgUnitId, workflowId, { idempotencyKey, trigger: { type: 'manual', payload } });
      if (created) return { ...runView(created), duplicate: false };
      const existing = await findRunByKey(pool, orgUnitId, idempotencyKey);
      if (!existing) throw new AppError('CONFLICT', 'The run was created and removed concurrently; start it again');
      return { ...runView(existing), duplicate: true };
    },

    async drafts(orgUnitId: string, limit: number) {
      const rows = await listActions(pool, { orgUnitId, status: 'draft', limit });
      return rows.map((row) => ({
        actionId: row.id,
        tool: row.tool,
        input: row.input,
        workflowRunId: row.workflow_run_id,
        step: row.step,
        status: row.status,
        createdAt: row.created_at.toISOString(),
      }));
    },

    async settleDraft(actor: Actor, orgUnitId: string, actionId: string, settle: { done: true; note: string } | { done: false; reason: string }) {
      const action = await findAction(pool, { orgUnitId, id: actionId });
      if (!action) throw notFound(`Draft ${actionId}`);
      const result = settle.done ? await router.completeDraft(orgUnitId, actionId, actor, settle.note) : await router.discardDraft(orgUnitId, actionId, actor, settle.reason);
      if (action.workflow_run_id) await runtime.wake([action.workflow_run_id]);
      return result;
    },
  };
}

export type WorkflowService = ReturnType<typeof createWorkflowService>;

export function runView(run: RunRow) {
  const state = run.snapshot as RunState | null;
  return {
    id: run.id,
    orgUnitId: run.org_unit_id,
    workflowId: run.workflow_id,
    version: run.definition_version,
    idempotencyKey: run.idempotency_key,
    triggerEventId: run.trigger_event_id,
    status: run.status,
    waitingFor: run.waiting_for,
    state: state?.machine.value ?? null,
    steps: state?.steps ?? 0,
    journalLength: run.journal_length,
    error: run.error,
    createdAt: run.created_at.toISOString(),
    updatedAt: run.updated_at.toISOString(),
    completedAt: iso(run.completed_at),
  };
}
