import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { actingRoles, operatorRoles, readerRoles } from '../../../engine/kernel/index.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import {
  approvalDto,
  auditCheckpointDto,
  approveActionInput,
  auditVerifyDto,
  incidentDto,
  killSwitchInput,
  killSwitchStateDto,
  listApprovalsInput,
  listIncidentsInput,
  policyNameSchema,
  policyVersionDto,
  policyVersionSchema,
  updateIncidentInput,
} from '../../contracts/governance.js';
import { actorFromPrincipal } from '../../governance/actor-from-principal.js';
import { verifyAuditChain } from '../../governance/audit-verify.js';
import { latestAuditCheckpoint } from '../../../db/queries/audit.js';
import { notFound } from '../../errors/catalog.js';
import type { GovernanceServices } from '../../governance/governance-services.js';
import { defineOperation } from '../operation.js';

// Decisions whose refusal must itself be a governed, audited verdict (an agent approving, an
// operator releasing the kill switch or changing a policy) admit every acting role and let
// the governor's invariants say no, with a 403 that names the verdict.
const org = { orgUnitId: orgUnitIdSchema };
const policyKey = { ...org, name: policyNameSchema, version: policyVersionSchema };

export function governanceOperations(deps: { pool: DatabasePool; governance: GovernanceServices }) {
  const { approvals, incidents, killSwitch, policies } = deps.governance;
  const policyTransition = (verb: 'activate' | 'shadow' | 'retire', summary: string) =>
    defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: `/api/org-units/:orgUnitId/policies/:name/versions/:version/${verb}`,
      summary,
      tags: ['policies'],
      access: actingRoles,
      input: z.object(policyKey).strict(),
      output: policyVersionDto,
      handle: (principal, input) => policies[verb](input.orgUnitId, input.name, input.version, actorFromPrincipal(principal)),
    });

  return {
    listApprovals: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/approvals',
      summary: 'Approvals, newest first: the exact action, why it waits, the forecast, expiry',
      tags: ['approvals'],
      access: readerRoles,
      input: z.object({ ...org, ...listApprovalsInput }).strict(),
      output: z.object({ items: z.array(approvalDto) }),
      handle: async (_principal, { orgUnitId, ...filters }) => ({ items: [...(await approvals.list(orgUnitId, filters))] }),
    }),
    getApproval: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/approvals/:approvalId',
      summary: 'One approval',
      tags: ['approvals'],
      access: readerRoles,
      input: z.object({ ...org, approvalId: approveActionInput.approvalId }).strict(),
      output: approvalDto,
      handle: (_principal, { orgUnitId, approvalId }) => approvals.get(orgUnitId, approvalId),
    }),
    approveAction: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/approvals/:approvalId/decision',
      summary: 'Approve or reject, with a reason; 409 when already decided, expired or void',
      tags: ['approvals'],
      access: actingRoles,
      input: z.object({ ...org, ...approveActionInput }).strict(),
      output: approvalDto,
      handle: (principal, { orgUnitId, approvalId, decision, reason, actionHash }) =>
        approvals.decide(orgUnitId, approvalId, { decision, reason, actor: actorFromPrincipal(principal), ...(actionHash ? { actionHash } : {}) }),
    }),
    listIncidents: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/incidents',
      summary: 'Incidents, newest first, filtered by status, severity or source',
      tags: ['incidents'],
      access: readerRoles,
      input: z.object({ ...org, ...listIncidentsInput }).strict(),
      output: z.object({ items: z.array(incidentDto) }),
      handle: async (_principal, { orgUnitId, ...filters }) => ({ items: [...(await incidents.list(orgUnitId, filters))] }),
    }),
    updateIncident: defineOperation({
      kind: 'mutation',
      method: 'PATCH',
      path: '/api/org-units/:orgUnitId/incidents/:incidentId',
      summary: 'Acknowledge or resolve an incident (resolving needs a resolution)',
      tags: ['incidents'],
      access: operatorRoles,
      input: z.object({ ...org, ...updateIncidentInput }).strict(),
      output: incidentDto,
      handle: (principal, { orgUnitId, incidentId, status, resolution }) =>
        incidents.update(orgUnitId, incidentId, { status, ...(resolution ? { resolution } : {}) }, actorFromPrincipal(principal)),
    }),
    getKillSwitch: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/kill-switch',
      summary: 'Which kill-switch scopes are engaged, since when and why',
      tags: ['kill switch'],
      access: readerRoles,
      input: z.object(org).strict(),
      output: killSwitchStateDto,
      handle: (_principal, { orgUnitId }) => killSwitch.state(orgUnitId),
    }),
    killSwitch: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/kill-switch',
      summary: 'Engage (operator or founder) or release (founder) the kill switch for a scope, with a reason',
      tags: ['kill switch'],
      access: operatorRoles,
      input: z.object({ ...org, ...killSwitchInput }).strict(),
      output: z.object({ engagement: z.record(z.unknown()), verdictId: z.string() }).passthrough(),
      async handle(principal, { orgUnitId, action, scope, reason }): Promise<{ action: 'engage' | 'release'; engagement: Readonly<Record<string, unknown>>; verdictId: string }> {
        const change = { orgUnitId, scope, reason, actor: actorFromPrincipal(principal) };
        const result = action === 'engage' ? await killSwitch.engage(change) : await killSwitch.release(change);
        return { action, ...result };
      },
    }),
    listPolicies: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/policies',
      summary: 'Policy versions with their status (active, shadow, draft, retired)',
      tags: ['policies'],
      access: readerRoles,
      input: z.object({ ...org, name: policyNameSchema.optional(), status: policyVersionDto.shape.status.optional() }).strict(),
      output: z.object({ items: z.array(policyVersionDto) }),
      handle: async (_principal, { orgUnitId, ...filters }) => ({ items: [...(await policies.list(orgUnitId, filters))] }),
    }),
    getPolicy: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/policies/:name/versions/:version',
      summary: 'One policy version with its source',
      tags: ['policies'],
      access: readerRoles,
      input: z.object(policyKey).strict(),
      output: policyVersionDto,
      handle: (_principal, { orgUnitId, name, version }) => policies.get(orgUnitId, name, version),
    }),
    createPolicyVersion: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/policies/:name/versions',
      summary: 'A new draft version from policy text (founder); a parse error names line and column',
      tags: ['policies'],
      access: actingRoles,
      input: z.object({ ...org, name: policyNameSchema, source: z.string().min(1, 'must not be empty').max(65_536, 'must be at most 64 KiB') }).strict(),
      output: policyVersionDto,
      successStatus: 201,
      handle: (principal, { orgUnitId, name, source }) => policies.createVersion(orgUnitId, name, source, actorFromPrincipal(principal)),
    }),
    activatePolicy: policyTransition('activate', 'Enforce this version (founder); the previous active one retires'),
    shadowPolicy: policyTransition('shadow', 'Evaluate and log this version beside the enforced one, without enforcing it (founder)'),
    retirePolicy: policyTransition('retire', 'Stop using this version (founder)'),
    verifyAudit: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/audit/verify',
      summary: "Walk the org unit's audit chain; a broken chain names the first bad row and why",
      tags: ['audit'],
      access: operatorRoles,
      input: z.object(org).strict(),
      output: auditVerifyDto,
      handle: (_principal, { orgUnitId }) => verifyAuditChain(deps.pool, orgUnitId),
    }),
    getAuditCheckpoint: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/audit/checkpoint',
      summary: 'The latest checkpoint (head seq and hash, count) stored by an export: keep it outside the database',
      tags: ['audit'],
      access: operatorRoles,
      input: z.object(org).strict(),
      output: auditCheckpointDto,
      async handle(_principal, { orgUnitId }) {
        const row = await latestAuditCheckpoint(deps.pool, orgUnitId);
        if (!row) throw notFound(`An audit checkpoint for ${orgUnitId}`);
        return { orgUnitId, seq: row.seq, headHash: row.head_hash, count: row.entry_count, createdAt: row.created_at.toISOString() };
      },
    }),
  };
}
