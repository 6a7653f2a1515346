import { z } from 'zod';
import { killSwitchScopes } from '../../engine/governance/kill-switch.js';
import {
  approvalRoles,
  approvalStatuses,
  incidentSeverities,
  incidentSources,
  incidentStatuses,
  policyStatuses,
} from '../../engine/governance/record-states.js';
import { pageLimitSchema } from './common.js';

/** Governance shapes on the wire. Times are ISO 8601 strings. Browser-safe. */
const time = z.string();
const reasonText = z.string().trim().min(1, 'must say why').max(2000, 'must be at most 2000 characters');

export const approvalDto = z.object({
  id: z.string().uuid(),
  orgUnitId: z.string(),
  action: z.record(z.unknown()).describe('the exact action awaiting approval'),
  actionHash: z.string().describe('sha256 of the canonical action; send it back to decide on exactly this action'),
  tool: z.string(),
  verdictId: z.string().nullable(),
  workflowRunId: z.string().nullable(),
  actionId: z.string().nullable(),
  requestedBy: z.string(),
  requiredRole: z.enum(approvalRoles),
  summary: z.string(),
  forecast: z.record(z.unknown()).nullable(),
  status: z.enum(approvalStatuses),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
  decidedAt: time.nullable(),
  expiresAt: time,
  createdAt: time,
});

export const listApprovalsInput = { status: z.enum(approvalStatuses).optional(), limit: pageLimitSchema };
export const approveActionInput = {
  approvalId: z.string().uuid('must be a UUID'),
  decision: z.enum(['approve', 'reject']),
  reason: reasonText,
  actionHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64-hex action hash').optional(),
};

export const incidentDto = z.object({
  id: z.string().uuid(),
  orgUnitId: z.string(),
  severity: z.enum(incidentSeverities),
  source: z.enum(incidentSources),
  title: z.string(),
  description: z.string(),
  status: z.enum(incidentStatuses),
  resolution: z.string().nullable(),
  links: z.array(z.record(z.unknown())),
  openedAt: time,
  acknowledgedAt: time.nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: time.nullable(),
  resolvedBy: z.string().nullable(),
  updatedAt: time,
});

export const listIncidentsInput = {
  status: z.enum(incidentStatuses).optional(),
  severity: z.enum(incidentSeverities).optional(),
  source: z.enum(incidentSources).optional(),
  limit: pageLimitSchema,
};
export const updateIncidentInput = {
  incidentId: z.string().uuid('must be a UUID'),
  status: z.enum(['acknowledged', 'resolved']),
  resolution: z.string().trim().min(1).max(5000).optional(),
};

export const killSwitchEngagementDto = z.object({
  id: z.string(),
  scope: z.enum(killSwitchScopes),
  reason: z.string(),
  engagedBy: z.string(),
  engagedAt: time,
  incidentId: z.string().nullable(),
  releasedBy: z.string().nullable(),
  releaseReason: z.string().nullable(),
  releasedAt: time.nullable(),
});
export const killSwitchStateDto = z.object({
  orgUnitId: z.string(),
  engaged: z.array(killSwitchEngagementDto),
  scopes: z.array(z.enum(killSwitchScopes)),
});
export const killSwitchInput = {
  action: z.enum(['engage', 'release']),
  scope: z.enum(killSwitchScopes),
  reason: reasonText,
};

export const policyVersionDto = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  name: z.string(),
  version: z.number().int(),
  status: z.enum(policyStatuses),
  builtin: z.boolean(),
  source: z.string(),
  sourceSha256: z.string(),
  createdBy: z.string(),
  createdAt: time,
  activatedAt: time.nullable(),
});
export const policyNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'must be a policy name like margin_floor');
export const policyVersionSchema = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1');

export const auditVerifyDto = z.object({
  ok: z.boolean(),
  orgUnitId: z.string(),
  count: z.number().int().optional(),
  headSeq: z.number().int().optional(),
  headHash: z.string().optional(),
  firstBadSeq: z.number().int().optional(),
  reason: z.string().optional(),
  detail: z.string().optional(),
});

export const auditCheckpointDto = z.object({
  orgUnitId: z.string(),
  seq: z.number().int(),
  headHash: z.string(),
  count: z.number().int(),
  createdAt: time,
});
