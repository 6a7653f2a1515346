import { z } from 'zod';
import { actingRoles, operatorRoles, readerRoles } from '../../../engine/kernel/index.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import {
  draftDiscardInput,
  draftDto,
  draftNoteInput,
  journalEntryDto,
  listRunsInput,
  replayReportDto,
  runDto,
  runIdSchema,
  startRunInput,
  updateAutonomyInput,
  workflowDto,
  workflowIdSchema,
} from '../../contracts/workflows.js';
import { notFound } from '../../errors/catalog.js';
import { actorFromPrincipal } from '../../governance/actor-from-principal.js';
import type { WorkflowService } from '../../workflows/workflow-service.js';
import { defineOperation } from '../operation.js';

const org = { orgUnitId: orgUnitIdSchema };
const workflowKey = { ...org, workflowId: workflowIdSchema };

export function workflowOperations(deps: { workflows: WorkflowService }) {
  const { workflows } = deps;
  const pauseSwitch = (paused: boolean) =>
    defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: `/api/org-units/:orgUnitId/workflows/:workflowId/${paused ? 'pause' : 'resume'}`,
      summary: paused ? 'Pause a workflow: its runs stop at their next step until resumed' : 'Resume a paused workflow',
      tags: ['workflows'],
      access: operatorRoles,
      input: z.object(workflowKey).strict(),
      output: z.object({ workflowId: z.string(), paused: z.boolean(), verdictId: z.string() }),
      handle: (principal, { orgUnitId, workflowId }) => workflows.setPaused(actorFromPrincipal(principal), orgUnitId, workflowId, paused),
    });
  const draftKey = { ...org, actionId: z.string().uuid('must be a UUID') };
  const settled = z.object({ status: z.string(), actionId: z.string().nullable() }).passthrough();

  return {
    listWorkflows: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/workflows',
      summary: 'Workflows with their version, triggers, autonomy level, pause switch and run counts',
      tags: ['workflows'],
      access: readerRoles,
      input: z.object(org).strict(),
      output: z.object({ items: z.array(workflowDto) }),
      handle: async (_principal, { orgUnitId }) => ({ items: await workflows.list(orgUnitId) }),
    }),
    getWorkflowRuns: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/workflows/:workflowId/runs',
      summary: "A workflow's runs, newest first",
      tags: ['workflows'],
      access: readerRoles,
      input: z.object({ ...workflowKey, ...listRunsInput }).strict(),
      output: z.object({ items: z.array(runDto) }),
      handle: async (_principal, { orgUnitId, workflowId, ...filters }) => ({ items: await workflows.runs(orgUnitId, workflowId, filters) }),
    }),
    getWorkflowRun: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/runs/:runId',
      summary: 'One run with its journal',
      tags: ['workflows'],
      access: readerRoles,
      input: z.object({ ...org, runId: runIdSchema }).strict(),
      output: runDto.extend({ journal: z.array(journalEntryDto) }),
      handle: (_principal, { orgUnitId, runId }) => workflows.run(orgUnitId, runId),
    }),
    replayWorkflow: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/runs/:runId/replay',
      summary: "Re-runs the run's machine on its journal and reports each step and the first divergence",
      tags: ['workflows'],
      access: readerRoles,
      input: z.object({ ...org, runId: runIdSchema }).strict(),
      output: replayReportDto,
      handle: (_principal, { orgUnitId, runId }) => workflows.replay(orgUnitId, runId),
    }),
    startWorkflowRun: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/workflows/:workflowId/runs',
      summary: 'Start a run by hand (idempotent by key: the same key answers the first run)',
      tags: ['workflows'],
      access: operatorRoles,
      successStatus: 201,
      input: z.object({ ...workflowKey, ...startRunInput }).strict(),
      output: runDto.extend({ duplicate: z.boolean() }),
      handle: (_principal, { orgUnitId, workflowId, idempotencyKey, payload }) => workflows.startRun(orgUnitId, workflowId, idempotencyKey, payload),
    }),
    updateWorkflowAutonomy: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/workflows/:workflowId/autonomy',
      summary: "Set a workflow's autonomy level in your org unit; raising it to A3/A4 needs a founder",
      tags: ['workflows'],
      access: actingRoles,
      input: updateAutonomyInput,
      output: z.object({ workflowId: z.string(), orgUnitId: z.string(), autonomyLevel: z.string(), previousLevel: z.string(), verdictId: z.string() }),
      handle: (principal, { workflowId, autonomyLevel, orgUnitId, reason }) => {
        // Another org unit's workflows do not exist for this token.
        if (orgUnitId !== undefined && orgUnitId !== principal.orgUnitId) throw notFound(`Workflow ${workflowId}`);
        return workflows.setAutonomy(actorFromPrincipal(principal), principal.orgUnitId, workflowId, autonomyLevel, reason);
      },
    }),
    pauseWorkflow: pauseSwitch(true),
    resumeWorkflow: pauseSwitch(false),
    listDrafts: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/drafts',
      summary: 'Actions drafted by workflows at A0, waiting for a person to do them or discard them',
      tags: ['workflows'],
      access: readerRoles,
      input: z.object({ ...org, limit: listRunsInput.limit }).strict(),
      output: z.object({ items: z.array(draftDto) }),
      handle: async (_principal, { orgUnitId, limit }) => ({ items: await workflows.drafts(orgUnitId, limit) }),
    }),
    completeDraft: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/drafts/:actionId/complete',
      summary: 'Mark a drafted action done by hand (A0): its run continues',
      tags: ['workflows'],
      access: operatorRoles,
      input: z.object({ ...draftKey, ...draftNoteInput }).strict(),
      output: settled,
      handle: (principal, { orgUnitId, actionId, note }) => workflows.settleDraft(actorFromPrincipal(principal), orgUnitId, actionId, { done: true, note }),
    }),
    discardDraft: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/drafts/:actionId/discard',
      summary: 'Discard a drafted action: its run sees the step fail',
      tags: ['workflows'],
      access: operatorRoles,
      input: z.object({ ...draftKey, ...draftDiscardInput }).strict(),
      output: settled,
      handle: (principal, { orgUnitId, actionId, reason }) => workflows.settleDraft(actorFromPrincipal(principal), orgUnitId, actionId, { done: false, reason }),
    }),
  };
}
