/**
 * What a blocked order's review finds once its review window has passed:
 * - confirmed_fraud: a chargeback came in; it stays blocked;
 * - released_by_person: someone released it meanwhile (a false positive, learnt as good);
 * - closed: it was cancelled or settled otherwise; nothing to do;
 * - clear: the model, having learnt since, no longer scores it above the threshold: release it;
 * - suspect: still above the threshold: it stays blocked for a person.
 */
export const reviewVerdicts = ['confirmed_fraud', 'released_by_person', 'closed', 'clear', 'suspect'] as const;
export type ReviewVerdict = (typeof reviewVerdicts)[number];

export function reviewBlockedOrder(order: Readonly<{ status: string; chargedBack: boolean; blockedNow: boolean }>): ReviewVerdict {
  if (order.chargedBack) return 'confirmed_fraud';
  if (order.status === 'released' || order.status === 'fulfilled') return 'released_by_person';
  if (order.status !== 'blocked') return 'closed';
  return order.blockedNow ? 'suspect' : 'clear';
}
