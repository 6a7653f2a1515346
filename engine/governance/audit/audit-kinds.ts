/**
 * What an audit row records. The value is written into hashed entries, so a kind that has
 * been written is never renamed or reused for another meaning; add new kinds at the end.
 */
export const auditKinds = [
  'action',
  'verdict',
  'approval.requested',
  'approval.decided',
  'policy.changed',
  'autonomy.changed',
  'kill_switch.engaged',
  'kill_switch.released',
  'incident.opened',
  'incident.updated',
  'api.privileged_call',
  'decision_policy.shadow_started',
  'decision_policy.promoted',
  'decision_policy.promotion_refused',
  'autonomy.raise_refused',
] as const;
export type AuditKind = (typeof auditKinds)[number];

export function isAuditKind(value: unknown): value is AuditKind {
  return typeof value === 'string' && (auditKinds as readonly string[]).includes(value);
}
