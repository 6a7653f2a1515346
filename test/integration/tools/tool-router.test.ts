import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findAction } from '../../../db/queries/actions.js';
import type { Actor } from '../../../engine/governance/index.js';
import type { ToolCall, ToolCallResult } from '../../../engine/tools/index.js';
import { AppError } from '../../../server/errors/catalog.js';
import { agent, founder, operator, otherOperator, viewer } from '../governance/governance-fixture.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

let fx: RouterFixture;
let orgUnitId: string;
let keyCounter = 0;
const system: Actor = { id: 'runtime', kind: 'system', role: 'system' };
const runId = '00000000-0000-4000-8000-000000000001';

beforeAll(async () => {
  fx = await createRouterFixture();
  orgUnitId = await fx.newOrgUnit();
});
afterAll(async () => fx.close());

function call(overrides: Partial<ToolCall> = {}): ToolCall {
  keyCounter += 1;
  return { orgUnitId, tool: 'test.record', input: { value: 1 }, actor: operator, mode: 'execute', idempotencyKey: `key-${keyCounter}`, ...overrides };
}

const auditRow = z.object({ kind: z.string(), actor: z.string(), entry: z.string() });
async function actionAudits(org: string): Promise<Record<string, unknown>[]> {
  await fx.audit.flush();
  const rows = await fx.db.pool.any(sql.type(auditRow)`SELECT kind, actor, entry FROM audit_log WHERE org_unit_id = ${org} AND kind = 'action' ORDER BY seq`);
  return rows.map((row) => ({ actor: row.actor, ...(JSON.parse(row.entry) as { data: Record<string, unknown> }).data }));
}

async function actionCount(org: string): Promise<number> {
  return fx.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM actions WHERE org_unit_id = ${org}`);
}

function expectStatus<S extends ToolCallResult['status']>(result: ToolCallResult, status: S): ToolCallResult & { status: S } {
  expect(result, JSON.stringify(result)).toMatchObject({ status });
  return result as ToolCallResult & { status: S };
}

describe('refusals before the key is claimed', () => {
  it('refuses an unknown tool with TOOL_UNKNOWN, audited', async () => {
    const org = await fx.newOrgUnit();
    const result = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.nothing' })), 'denied');
    expect(result.code).toBe('TOOL_UNKNOWN');
    expect(await actionAudits(org)).toEqual([expect.objectContaining({ tool: 'test.nothing', status: 'denied', code: 'TOOL_UNKNOWN' })]);
  });

  it('refuses a role the tool is not open to, with a clear message, audited, and nothing executed', async () => {
    const org = await fx.newOrgUnit();
    const result = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.people_only', actor: agent })), 'denied');
    expect(result.code).toBe('TOOL_FORBIDDEN');
    expect(result.message).toContain('agent-pricing');
    expect(result.message).toContain('test.people_only');
    expect(result.message).toContain('founder, operator');
    expect(await actionAudits(org)).toEqual([expect.objectContaining({ actor: 'agent-pricing', status: 'denied', code: 'TOOL_FORBIDDEN' })]);
    expect((await fx.effects(org)).size).toBe(0);

    const byViewer = expectStatus(await fx.router.call(call({ orgUnitId: org, actor: viewer })), 'denied');
    expect(byViewer.code).toBe('TOOL_FORBIDDEN');
  });

  it("limits an agent with an agents row to that row's allowed tools", async () => {
    const org = await fx.newOrgUnit();
    const principalId = await fx.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO principals (org_unit_id, kind, name, role) VALUES (${org}, 'agent', 'pricing-bot', 'agent') RETURNING id`);
    await fx.db.pool.query(sql.unsafe`
      INSERT INTO agents (org_unit_id, principal_id, name, allowed_tools) VALUES (${org}, ${principalId}, 'pricing-bot', ${sql.array(['test.medium'], 'text')})`);
    const bot: Actor = { id: principalId, kind: 'agent', role: 'agent' };

    const refused = expectStatus(await fx.router.call(call({ orgUnitId: org, actor: bot, tool: 'test.record' })), 'denied');
    expect(refused.code).toBe('TOOL_FORBIDDEN');
    expect(refused.message).toContain('allowed tools are test.medium');
    expectStatus(await fx.router.call(call({ orgUnitId: org, actor: bot, tool: 'test.medium' })), 'succeeded');
  });

  it('names every failing field of bad input and writes no action row', async () => {
    const org = await fx.newOrgUnit();
    const result = expectStatus(await fx.router.call(call({ orgUnitId: org, input: { value: 'ten', extra: true } })), 'denied');
    expect(result.code).toBe('VALIDATION_FAILED');
    expect(result.actionId).toBeNull();
    expect(result.message).toContain('value:');
    expect(result.message).toMatch(/extra/);
    expect(await actionCount(org)).toBe(0);
    expect(await actionAudits(org)).toEqual([expect.objectContaining({ status: 'denied', code: 'VALIDATION_FAILED' })]);
  });

  it('refuses when live state forbids the call (precondition), executing nothing', async () => {
    const org = await fx.newOrgUnit();
    const result = expectStatus(await fx.router.call(call({ orgUnitId: org, input: { value: 1, note: 'retired' } })), 'denied');
    expect(result.code).toBe('PRECONDITION_FAILED');
    expect(result.message).toContain('the product is retired');
    expect((await fx.effects(org)).size).toBe(0);
  });
});

describe('executing', () => {
  it('runs an allowed call once and records latency, cost, attempts, verdict and workflow step', async () => {
    const request = call({ input: { value: 7 }, actor: system, workflow: { runId, step: 'write', autonomy: 'a2_supervised' } });
    const result = expectStatus(await fx.router.call(request), 'succeeded');
    expect(result.output).toEqual({ written: 7 });
    expect(result.costMinor).toBe(12);
    expect(result.verdictId).toEqual(expect.any(String));
    const row = await findAction(fx.db.pool, { orgUnitId, id: result.actionId });
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1, cost_minor: 12, verdict_id: result.verdictId, workflow_run_id: runId, step: 'write' });
    expect(row?.latency_ms).toBeGreaterThanOrEqual(0);
    expect((await fx.effects(orgUnitId)).get(request.idempotencyKey)).toBe(1);
    const audits = await actionAudits(orgUnitId);
    expect(audits).toContainEqual(expect.objectContaining({ actionId: result.actionId, verdictId: result.verdictId, status: 'succeeded', costMinor: 12 }));
  });

  it('answers a repeated key with the first outcome and a different call on the key with IDEMPOTENCY_CONFLICT', async () => {
    const first = call({ input: { value: 3 } });
    const a = expectStatus(await fx.router.call(first), 'succeeded');
    const b = expectStatus(await fx.router.call(first), 'succeeded');
    expect(b).toEqual({ ...a, duplicate: true });
    const conflict = expectStatus(await fx.router.call({ ...first, input: { value: 4 } }), 'denied');
    expect(conflict.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await fx.effects(orgUnitId)).get(first.idempotencyKey)).toBe(1);
  });

  it('fails with TOOL_TIMEOUT (transient) when the tool outlives its timeout, and opens an incident once retries run out', async () => {
    const org = await fx.newOrgUnit();
    const result = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.slow' })), 'failed');
    expect(result).toMatchObject({ code: 'TOOL_TIMEOUT', transient: true, attempts: 2 });
    const incidents = await fx.services.incidents.list(org);
    expect(incidents).toEqual([expect.objectContaining({ source: 'system', title: 'test.slow failed after 2 attempts' })]);
  });

  it('retries a transient failure with backoff, then succeeds; the failed attempts leave nothing behind', async () => {
    const org = await fx.newOrgUnit();
    const request = call({ orgUnitId: org, tool: 'test.flaky', input: { value: 2 } });
    fx.flakiness.set(request.idempotencyKey, 2);
    const sleepsBefore = fx.sleeps.length;
    const result = expectStatus(await fx.router.call(request), 'succeeded');
    expect(fx.sleeps.length - sleepsBefore).toBe(2);
    for (const ms of fx.sleeps.slice(sleepsBefore)) expect(ms).toBeLessThanOrEqual(100);
    expect((await findAction(fx.db.pool, { orgUnitId: org, id: result.actionId }))?.attempts).toBe(3);
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBe(1);
    expect(await fx.services.incidents.list(org)).toEqual([]);
  });

  it('opens an incident linked to the workflow run when transient failures exhaust the retries', async () => {
    const org = await fx.newOrgUnit();
    const request = call({ orgUnitId: org, tool: 'test.flaky', actor: system, workflow: { runId, step: 'flaky', autonomy: 'a2_supervised' } });
    fx.flakiness.set(request.idempotencyKey, 5);
    const result = expectStatus(await fx.router.call(request), 'failed');
    expect(result).toMatchObject({ code: 'TOOL_FAILED', transient: true, attempts: 3 });
    expect((await fx.effects(org)).size).toBe(0);
    const [incident] = await fx.services.incidents.list(org);
    expect(incident).toMatchObject({ source: 'workflow', severity: 'high', links: [{ kind: 'workflow_run', id: runId }] });
    expect(incident?.description).toContain(result.actionId);
  });

  it('does not retry a permanent failure and opens no incident for it', async () => {
    const org = await fx.newOrgUnit();
    const result = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.rejects' })), 'failed');
    expect(result).toMatchObject({ code: 'TOOL_FAILED', transient: false, attempts: 1, message: 'the provider refused the request' });
    expect(await fx.services.incidents.list(org)).toEqual([]);
  });

  it('treats output that breaks the schema as a failure and rolls back its writes', async () => {
    const org = await fx.newOrgUnit();
    const result = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.bad_output' })), 'failed');
    expect(result.code).toBe('TOOL_OUTPUT_INVALID');
    expect(result.message).toContain('written');
    expect((await fx.effects(org)).size).toBe(0);
  });

  // The governor and the audit writer use pool connections of their own while the caller holds
  // its transaction's; the embedded test database has a single connection, so this needs PostgreSQL.
  it.skipIf(!process.env.DATABASE_URL)("inside a caller's transaction: one attempt, transient failure handed back, no incident, writes commit with the caller", async () => {
    const org = await fx.newOrgUnit();
    const flaky = call({ orgUnitId: org, tool: 'test.flaky', actor: system });
    fx.flakiness.set(flaky.idempotencyKey, 1);
    const failed = await fx.db.pool.transaction((tx) => fx.router.call(flaky, { db: tx }));
    expect(failed).toMatchObject({ status: 'failed', transient: true, attempts: 1 });
    expect(await fx.services.incidents.list(org)).toEqual([]);

    const rolledBack = call({ orgUnitId: org });
    await expect(
      fx.db.pool.transaction(async (tx) => {
        expectStatus(await fx.router.call(rolledBack, { db: tx }), 'succeeded');
        throw new Error('the step failed after the tool');
      }),
    ).rejects.toThrow('the step failed');
    expect((await fx.effects(org)).get(rolledBack.idempotencyKey)).toBeUndefined();
    expect(await fx.db.pool.maybeOne(sql.unsafe`SELECT id FROM actions WHERE org_unit_id = ${org} AND idempotency_key = ${rolledBack.idempotencyKey}`)).toBeNull();
  });

  it.skipIf(!process.env.DATABASE_URL)("inside a caller's transaction: an approval is requested, and resuming after it is approved runs the tool", async () => {
    const org = await fx.newOrgUnit();
    const request = call({ orgUnitId: org, tool: 'test.medium', actor: system, workflow: { runId, step: 'approve-in-tx', autonomy: 'a1_assisted' } });
    const waiting = expectStatus(await fx.db.pool.transaction((tx) => fx.router.call(request, { db: tx })), 'awaiting_approval');
    await fx.services.approvals.decide(org, waiting.approvalId, { decision: 'approve', reason: 'fine', actor: operator });
    const done = await fx.db.pool.transaction((tx) => fx.router.resumeApproved(org, waiting.actionId, { db: tx }));
    expect(done).toMatchObject({ status: 'succeeded', output: { written: 1 } });
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBe(1);
  });
});

describe('verdicts and the autonomy gate', () => {
  let org: string;
  beforeAll(async () => {
    org = await fx.newOrgUnit();
    await fx.installPolicy(
      org,
      'test_limits',
      `policy test_limits
  on test.*
  deny when action.input.value > 100
  because "values above 100 are refused"
  require_approval when action.input.value > 50
  because "values above 50 need a person"
`,
    );
  });

  it('denies with GOV_DENIED naming the verdict and its reason, records it, executes nothing', async () => {
    const request = call({ orgUnitId: org, input: { value: 500 } });
    const result = expectStatus(await fx.router.call(request), 'denied');
    expect(result.code).toBe('GOV_DENIED');
    expect(result.message).toContain(result.verdictId ?? 'no verdict');
    expect(result.message).toContain('values above 100 are refused');
    expect(await findAction(fx.db.pool, { orgUnitId: org, id: result.actionId ?? '' })).toMatchObject({ status: 'denied', verdict_id: result.verdictId });
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBeUndefined();
  });

  it('waits for an approval on require_approval, and runs exactly once after it is approved', async () => {
    const request = call({ orgUnitId: org, input: { value: 60 }, actor: agent, workflow: { runId, step: 'big', autonomy: 'a2_supervised' } });
    const waiting = expectStatus(await fx.router.call(request), 'awaiting_approval');
    const approval = await fx.services.approvals.get(org, waiting.approvalId);
    expect(approval).toMatchObject({ actionId: waiting.actionId, status: 'pending', summary: 'values above 50 need a person' });
    expect(expectStatus(await fx.router.call(request), 'awaiting_approval')).toMatchObject({ approvalId: waiting.approvalId, duplicate: true });
    expect(expectStatus(await fx.router.resumeApproved(org, waiting.actionId), 'awaiting_approval').approvalId).toBe(waiting.approvalId);

    await fx.services.approvals.decide(org, waiting.approvalId, { decision: 'approve', reason: 'checked it', actor: operator });
    const [first, second] = await Promise.all([fx.router.resumeApproved(org, waiting.actionId), fx.router.resumeApproved(org, waiting.actionId)]);
    const results = [first, second].sort((a, b) => Number(a?.duplicate) - Number(b?.duplicate));
    expect(results[0]).toMatchObject({ status: 'succeeded', duplicate: false, output: { written: 60 } });
    expect(results[1]).toMatchObject({ duplicate: true });
    expect(expectStatus(await fx.router.resumeApproved(org, waiting.actionId), 'succeeded').duplicate).toBe(true);
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBe(1);
  });

  it('denies a resumed action whose approval was rejected, with APPROVAL_REJECTED, and never runs it', async () => {
    const request = call({ orgUnitId: org, input: { value: 70 }, actor: agent });
    const waiting = expectStatus(await fx.router.call(request), 'awaiting_approval');
    await fx.services.approvals.decide(org, waiting.approvalId, { decision: 'reject', reason: 'too much', actor: otherOperator });
    const result = expectStatus(await fx.router.resumeApproved(org, waiting.actionId), 'denied');
    expect(result.code).toBe('APPROVAL_REJECTED');
    expect(result.message).toContain('too much');
    expect(expectStatus(await fx.router.call(request), 'denied').duplicate).toBe(true);
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBeUndefined();
  });

  it('denies a resumed action whose approval lapsed undecided, with APPROVAL_EXPIRED', async () => {
    const request = call({ orgUnitId: org, input: { value: 80 }, actor: agent });
    const waiting = expectStatus(await fx.router.call(request), 'awaiting_approval');
    const { expiresAt } = await fx.services.approvals.get(org, waiting.approvalId);
    fx.clock.set(Date.parse(expiresAt) + 1);
    const result = expectStatus(await fx.router.resumeApproved(org, waiting.actionId), 'denied');
    expect(result.code).toBe('APPROVAL_EXPIRED');
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBeUndefined();
  });

  it('refuses to run an approved action once the kill switch is engaged: the approval does not outrank a deny', async () => {
    const stopped = await fx.newOrgUnit();
    const request = call({ orgUnitId: stopped, tool: 'test.medium', actor: system, workflow: { runId, step: 'ks', autonomy: 'a1_assisted' } });
    const waiting = expectStatus(await fx.router.call(request), 'awaiting_approval');
    await fx.services.approvals.decide(stopped, waiting.approvalId, { decision: 'approve', reason: 'fine', actor: operator });
    await fx.services.killSwitch.engage({ orgUnitId: stopped, scope: 'global', reason: 'something is wrong', actor: operator });
    const result = expectStatus(await fx.router.resumeApproved(stopped, waiting.actionId), 'denied');
    expect(result.code).toBe('GOV_DENIED');
    expect(result.message).toContain('kill switch');
    expect((await fx.effects(stopped)).size).toBe(0);
  });

  it('A0 turns a side effect into a draft; completeDraft records who did it by hand', async () => {
    const request = call({ orgUnitId: org, actor: system, workflow: { runId, step: 'draft', autonomy: 'a0_manual' } });
    const draft = expectStatus(await fx.router.call(request), 'draft');
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBeUndefined();
    const done = expectStatus(await fx.router.completeDraft(org, draft.actionId, operator, 'done in the shop admin'), 'succeeded');
    expect(done.output).toEqual({ completedBy: operator.id, note: 'done in the shop admin' });
    expect(expectStatus(await fx.router.completeDraft(org, draft.actionId, operator, 'again'), 'succeeded').duplicate).toBe(true);
    await expect(fx.router.discardDraft(org, draft.actionId, operator, 'never mind')).rejects.toMatchObject({ code: 'ACTION_NOT_DRAFT', status: 409 });
    expect((await fx.effects(org)).get(request.idempotencyKey)).toBeUndefined();
  });

  it('discardDraft settles a draft as denied DRAFT_DISCARDED; completing it afterwards is 409; agents cannot settle drafts', async () => {
    const draft = expectStatus(await fx.router.call(call({ orgUnitId: org, actor: system, workflow: { runId, step: 'd2', autonomy: 'a0_manual' } })), 'draft');
    await expect(fx.router.discardDraft(org, draft.actionId, agent, 'no')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const discarded = expectStatus(await fx.router.discardDraft(org, draft.actionId, founder, 'not needed this week'), 'denied');
    expect(discarded).toMatchObject({ code: 'DRAFT_DISCARDED', message: 'not needed this week' });
    const error: unknown = await fx.router.completeDraft(org, draft.actionId, founder, 'did it').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'ACTION_NOT_DRAFT' });
  });

  it('A0 still runs reads; A1 holds a medium-risk write for approval; A2 runs it on an allow', async () => {
    const read = call({ orgUnitId: org, tool: 'test.read', actor: system, workflow: { runId, step: 'r', autonomy: 'a0_manual' } });
    expectStatus(await fx.router.call(read), 'succeeded');
    const a1 = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.medium', actor: system, workflow: { runId, step: 'm1', autonomy: 'a1_assisted' } })), 'awaiting_approval');
    expect((await fx.services.approvals.get(org, a1.approvalId)).summary).toContain('A1 assisted');
    expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.record', actor: system, workflow: { runId, step: 'l1', autonomy: 'a1_assisted' } })), 'succeeded');
    expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.medium', actor: system, workflow: { runId, step: 'm2', autonomy: 'a2_supervised' } })), 'succeeded');
  });

  it('dry_run and simulate report the gate and change nothing', async () => {
    const before = await fx.effects(org);
    const dry = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.medium', mode: 'dry_run', actor: system, workflow: { runId, step: 'x', autonomy: 'a1_assisted' } })), 'dry_run');
    expect(dry.gate).toBe('await_approval');
    const sim = expectStatus(await fx.router.call(call({ orgUnitId: org, tool: 'test.simulated', mode: 'simulate', input: { value: 9 } })), 'simulated');
    expect(sim).toMatchObject({ gate: 'execute', output: { simulation: { wouldWrite: 9 } } });
    expect(await fx.effects(org)).toEqual(before);
    expect(await fx.services.approvals.list(org, { status: 'pending' })).not.toContainEqual(expect.objectContaining({ actionId: dry.actionId }));
  });
});
