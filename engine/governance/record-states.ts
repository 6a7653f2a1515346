/** The states governance records move through; they cross the wire and the database. */
export const approvalStatuses = ['pending', 'approved', 'rejected', 'expired', 'void'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];
export const approvalRoles = ['founder', 'operator'] as const;
export type ApprovalRole = (typeof approvalRoles)[number];

export const incidentSeverities = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];
export const incidentSources = ['policy', 'kill_switch', 'workflow', 'evaluator', 'decision', 'system'] as const;
export type IncidentSource = (typeof incidentSources)[number];
export const incidentStatuses = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export const policyStatuses = ['draft', 'shadow', 'active', 'retired'] as const;
export type PolicyStatus = (typeof policyStatuses)[number];
