import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionHash, type Action } from '../../../engine/governance/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import type { ApprovalSettled } from '../../../server/governance/approval-service.js';
import { verifyAuditChain } from '../../../server/governance/audit-verify.js';
import {
  agent,
  auditKinds,
  createGovernanceFixture,
  founder,
  largeRefund,
  operator,
  otherOperator,
  rejection,
  startMs,
  viewer,
  type GovernanceFixture,
} from './governance-fixture.js';

let fx: GovernanceFixture;
const clock = manualClock(startMs);
const settledEvents: ApprovalSettled[] = [];
beforeAll(async () => {
  // 16 connections on PostgreSQL, so the concurrent deciders really race (PGlite has one).
  fx = await createGovernanceFixture({ clock, poolSize: 16 });
  fx.services.approvals.onDecided((event) => {
    settledEvents.push(event);
  });
});
afterAll(async () => {
  await fx.close();
});

const minute = 60_000;

/** An org unit with the built-ins and one pending approval for a large refund an agent proposed. */
async function pendingRefund(options: { requiredRole?: 'founder' | 'operator'; action?: (orgUnitId: string) => Action } = {}) {
  const orgUnitId = await fx.newOrgUnit();
  await fx.services.policies.installBuiltins(orgUnitId);
  const action = options.action?.(orgUnitId) ?? largeRefund(orgUnitId);
  const verdict = await fx.services.governor.evaluate(action);
  expect(verdict.outcome).toBe('require_approval');
  const approval = await fx.services.approvals.request(action, verdict, { expiresInMs: 30 * minute, requiredRole: options.requiredRole });
  return { orgUnitId, action, verdict, approval };
}

describe('approvals', () => {
  it('binds a request to the hash of the exact action, and streams it', async () => {
    const { orgUnitId, action, verdict, approval } = await pendingRefund();
    expect(approval).toMatchObject({
      status: 'pending',
      tool: 'refunds.issue',
      actionHash: actionHash(action),
      verdictId: verdict.id,
      requestedBy: agent.id,
      requiredRole: 'operator',
      summary: "refunds of $500 or more need a person's approval",
      expiresAt: new Date(clock.now() + 30 * minute).toISOString(),
    });
    expect(approval.action).toMatchObject({ tool: 'refunds.issue', input: { amountMinor: 75_000 } });
    expect(fx.published).toContainEqual({ orgUnitId, type: 'approval.requested', payload: expect.objectContaining({ id: approval.id, status: 'pending' }) });
    expect(await fx.services.approvals.list(orgUnitId, { status: 'pending' })).toEqual([approval]);
    // Only a require_approval verdict for this very action can be sent for approval.
    const other = { ...action, input: { ...action.input, amountMinor: 80_000 } };
    expect(await rejection(fx.services.approvals.request(other, verdict, { expiresInMs: minute }))).toMatchObject({ code: 'CONFLICT' });
  });

  it('lets exactly one of 1,000 concurrent decisions win; the rest get 409', { timeout: 120_000 }, async () => {
    const { orgUnitId, approval } = await pendingRefund();
    const deciders = [operator, otherOperator, founder];
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        fx.services.approvals.decide(orgUnitId, approval.id, {
          decision: i % 2 === 0 ? 'approve' : 'reject',
          reason: `decision ${i}`,
          actor: deciders[i % deciders.length] ?? operator,
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code?: string; status?: number }] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(999);
    for (const error of lost) expect(error).toMatchObject({ code: 'APPROVAL_ALREADY_DECIDED', status: 409 });
    const final = await fx.services.approvals.get(orgUnitId, approval.id);
    expect(won[0]?.status === 'fulfilled' && won[0].value).toEqual(final);
    expect(['approved', 'rejected']).toContain(final.status);
    await fx.audit.flush();
    expect((await auditKinds(fx.db, orgUnitId)).filter((kind) => kind === 'approval.decided')).toHaveLength(1);
    expect(settledEvents.filter((event) => event.approval.id === approval.id)).toHaveLength(1);
    expect(fx.published.filter((p) => p.type === 'approval.resolved' && p.payload.id === approval.id)).toHaveLength(1);
    expect(await verifyAuditChain(fx.db.pool, orgUnitId)).toMatchObject({ ok: true });
  });

  it('refuses the requester and any agent through the governor, on the record', async () => {
    const { orgUnitId, approval } = await pendingRefund({
      action: (org) => largeRefund(org, { actor: operator, autonomous: false }),
    });
    const self = await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'mine', actor: operator }));
    expect(self).toMatchObject({ code: 'GOV_DENIED', status: 403 });
    expect(self.message).toContain('an actor never approves its own action');
    const byAgent = await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor: agent }));
    expect(byAgent).toMatchObject({ code: 'GOV_DENIED' });
    expect(byAgent.message).toContain('an agent can propose but never approve');
    // An agent holding a person's role is still an agent; a person holding the agent role still cannot approve.
    for (const actor of [{ ...agent, role: 'founder' as const }, { id: 'person-agent', kind: 'user' as const, role: 'agent' as const }]) {
      expect(await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor }))).toMatchObject({ code: 'GOV_DENIED' });
    }
    expect((await fx.services.approvals.get(orgUnitId, approval.id)).status).toBe('pending');
    await fx.audit.flush();
    const kinds = await auditKinds(fx.db, orgUnitId);
    expect(kinds.filter((kind) => kind === 'verdict')).toHaveLength(5);
    expect(kinds).not.toContain('approval.decided');
    // Someone else may.
    expect(await fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'reject', reason: 'too large', actor: otherOperator })).toMatchObject({
      status: 'rejected',
      decidedBy: otherOperator.id,
      decisionReason: 'too large',
    });
  });

  it('refuses a role below the one required with 403', async () => {
    const { orgUnitId, approval } = await pendingRefund({ requiredRole: 'founder' });
    expect(await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor: operator }))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor: viewer }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor: founder })).toMatchObject({ status: 'approved' });
  });

  it('voids the approval when the action it is shown for changed', async () => {
    const { orgUnitId, action, approval } = await pendingRefund();
    const changed = actionHash({ ...action, input: { ...action.input, amountMinor: 99_999 } });
    const error = await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor: operator, actionHash: changed }));
    expect(error).toMatchObject({ code: 'APPROVAL_VOID', status: 409 });
    const voided = await fx.services.approvals.get(orgUnitId, approval.id);
    expect(voided.status).toBe('void');
    expect(voided.decisionReason).toContain('the action changed');
    expect(settledEvents.at(-1)?.approval).toEqual(voided);
    // Void is final: the unchanged action cannot be approved on it either.
    expect(
      await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'ok', actor: operator, actionHash: approval.actionHash })),
    ).toMatchObject({ code: 'APPROVAL_VOID' });
    // The matching hash is accepted.
    const next = await pendingRefund();
    expect(
      await fx.services.approvals.decide(next.orgUnitId, next.approval.id, { decision: 'approve', reason: 'ok', actor: operator, actionHash: actionHash(next.action) }),
    ).toMatchObject({ status: 'approved' });
  });

  it('expires: deciding after the deadline marks it expired and answers APPROVAL_EXPIRED', async () => {
    const { orgUnitId, approval } = await pendingRefund();
    clock.advance(30 * minute);
    const error = await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'late', actor: operator }));
    expect(error).toMatchObject({ code: 'APPROVAL_EXPIRED', status: 409 });
    expect(await fx.services.approvals.get(orgUnitId, approval.id)).toMatchObject({ status: 'expired', decidedBy: null });
    expect(await rejection(fx.services.approvals.decide(orgUnitId, approval.id, { decision: 'approve', reason: 'late', actor: operator }))).toMatchObject({
      code: 'APPROVAL_EXPIRED',
    });
    await fx.audit.flush();
    expect(await auditKinds(fx.db, orgUnitId)).toContain('approval.decided');
  });

  it('sweeps due approvals to expired, and only those', async () => {
    const due = await pendingRefund();
    clock.advance(20 * minute);
    const notYet = await pendingRefund();
    clock.advance(10 * minute);
    const expired = await fx.services.approvals.expireDue();
    expect(expired.map((a) => a.id)).toContain(due.approval.id);
    expect(expired.map((a) => a.id)).not.toContain(notYet.approval.id);
    expect((await fx.services.approvals.get(due.orgUnitId, due.approval.id)).status).toBe('expired');
    expect((await fx.services.approvals.get(notYet.orgUnitId, notYet.approval.id)).status).toBe('pending');
    expect(fx.published).toContainEqual({ orgUnitId: due.orgUnitId, type: 'approval.resolved', payload: expect.objectContaining({ id: due.approval.id, status: 'expired' }) });
    expect(await fx.services.approvals.expireDue()).toEqual([]);
  });

  it('answers 404 for an approval of another org unit', async () => {
    const { approval } = await pendingRefund();
    const otherOrg = await fx.newOrgUnit();
    expect(await rejection(fx.services.approvals.decide(otherOrg, approval.id, { decision: 'approve', reason: 'ok', actor: operator }))).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
    });
  });
});
