import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunRow } from '../../../db/queries/workflow-runs.js';
import { findRun } from '../../../db/queries/workflow-runs.js';
import { createWorkflowRuntime } from '../../../server/workflows/workflow-runtime.js';
import { workflowCatalog } from '../../../engine/workflows/index.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { chainWorkflow, workflowModule } from '../../support/workflows/chain-workflows.js';
import { capturedCliContext } from '../../support/in-process-cli.js';
import { runReplay } from '../../../server/cli/commands/replay.js';
import { verifyAuditChain } from '../../../server/governance/audit-verify.js';

const modulePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../support/workflows/chain-workflows.ts');

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture({ BOS_WORKFLOW_MODULES: modulePath });
  await f.built.runtime.start();
});
afterAll(async () => {
  await f.close();
});

async function waitForRuns(ids: readonly string[], until: (run: RunRow) => boolean, timeoutMs = 20_000): Promise<RunRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await Promise.all(ids.map((id) => findRun(f.db.pool, f.orgUnitId, id)));
    if (runs.every((run) => run && until(run))) return runs as RunRow[];
    if (Date.now() > deadline) throw new Error(`runs not done: ${JSON.stringify(runs.map((run) => [run?.status, run?.waiting_for]))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function effects(chain: string) {
  return f.db.pool.any(sql.type(z.object({ step: z.number(), idempotency_key: z.string() }))`
    SELECT step, idempotency_key FROM test_side_effects WHERE chain = ${chain} ORDER BY step`);
}

async function start(workflowId: string, chain: string) {
  const run = await f.built.workflows.startRun(f.orgUnitId, workflowId, `key-${chain}`, { chain });
  return run.id;
}

describe('the durable workflow runtime', () => {
  it('runs chains to completion with every side effect exactly once, and their journals replay clean', async () => {
    const chains = Array.from({ length: 20 }, (_, index) => `chain-${index}`);
    const ids = await Promise.all(chains.map((chain) => start('wf_test_chain3', chain)));
    const runs = await waitForRuns(ids, (run) => run.status === 'completed');
    for (const chain of chains) expect((await effects(chain)).map((row) => row.step)).toEqual([1, 2, 3]);
    expect(runs.every((run) => run.journal_length === 8)).toBe(true);
    for (const id of ids) {
      const report = await f.built.workflows.replay(f.orgUnitId, id);
      expect(report.divergence).toBeNull();
      expect(report.steps.map((step) => step.input)).toEqual(['start (manual)', 'tool.done step1', 'tool.done step2', 'tool.done step3']);
    }
  });

  it('commits each batched step with its verdict, its action row and two audit entries, and the chain verifies', async () => {
    const chains = Array.from({ length: 12 }, (_, index) => `batched-${index}`);
    const ids = await Promise.all(chains.map((chain) => start('wf_test_chain3', chain)));
    await waitForRuns(ids, (run) => run.status === 'completed');
    const actions = await f.db.pool.any(sql.type(z.object({ id: z.string(), status: z.string(), verdict_id: z.string().nullable(), attempts: z.number(), verdict: z.string().nullable() }))`
      SELECT a.id, a.status, a.verdict_id, a.attempts, v.outcome AS verdict
        FROM actions a LEFT JOIN verdicts v ON v.id = a.verdict_id
       WHERE a.workflow_run_id = ANY(${sql.array(ids, 'uuid')})`);
    expect(actions).toHaveLength(36);
    expect(actions.every((action) => action.status === 'succeeded' && action.verdict === 'allow' && action.attempts === 1)).toBe(true);
    const audited = await f.db.pool.any(sql.type(z.object({ kind: z.string(), n: z.number() }))`
      SELECT kind, count(*)::int AS n FROM audit_log
       WHERE org_unit_id = ${f.orgUnitId}
         AND ((entry::jsonb)->'data'->>'actionId' = ANY(${sql.array(actions.map((a) => a.id), 'text')})
              OR (entry::jsonb)->'data'->>'verdictId' = ANY(${sql.array(actions.map((a) => a.verdict_id ?? ''), 'text')}))
       GROUP BY kind ORDER BY kind`);
    expect(audited).toEqual([{ kind: 'action', n: 36 }, { kind: 'verdict', n: 36 }]);
    expect((await verifyAuditChain(f.db.pool, f.orgUnitId)).ok).toBe(true);
  });

  it('rolls a whole batch back when one of its tools fails; every step still happens once', async () => {
    // Each run's second step fails on its first attempt, inside a batch shared with other runs' steps.
    const chains = Array.from({ length: 10 }, (_, index) => `flaky-${index}`);
    const ids = await Promise.all([...chains.map((chain) => start('wf_test_flaky', chain)), ...chains.map((chain) => start('wf_test_chain3', `mate-${chain}`))]);
    await waitForRuns(ids, (run) => run.status === 'completed');
    for (const chain of [...chains, ...chains.map((chain) => `mate-${chain}`)]) expect((await effects(chain)).map((row) => row.step)).toEqual([1, 2, 3]);
    const statuses = await f.db.pool.anyFirst(sql.type(z.object({ status: z.string() }))`
      SELECT status FROM actions WHERE workflow_run_id = ANY(${sql.array(ids, 'uuid')})`);
    expect(statuses).toHaveLength(60);
    expect(new Set(statuses)).toEqual(new Set(['succeeded']));
    expect((await verifyAuditChain(f.db.pool, f.orgUnitId)).ok).toBe(true);
  });

  it('bos replay prints each step of a run and fails at the first divergence of a changed definition', async () => {
    const id = await start('wf_test_chain3', 'replayed');
    await waitForRuns([id], (run) => run.status === 'completed');
    const clean = capturedCliContext();
    await runReplay(clean.context, f.db.pool, workflowCatalog(workflowModule.workflows), id, { org: f.orgUnitId });
    expect(clean.stdout()).toContain('Replays clean');
    expect(clean.stdout()).toContain('ok   #5 tool.done step2');

    // The same id and version, one step more: a change that should have been a new version.
    const changed = capturedCliContext();
    const replay = runReplay(changed.context, f.db.pool, workflowCatalog([chainWorkflow('wf_test_chain3', 4)]), id, { org: f.orgUnitId });
    await expect(replay).rejects.toThrow(`run ${id} diverges from its journal at entry #7`);
    expect(changed.stdout()).toContain('DIFF #7 tool.done step3');
  });

  it('drops an A3 workflow to A2 and opens an incident when the evaluator reports a regression', async () => {
    await setAutonomy('wf_test_chain5', 'a3_autonomous');
    const dropped = await f.built.workflows.regressionDetected(f.orgUnitId, 'wf_test_chain5', { metric: 'success rate', detail: 'CUSUM crossed its threshold' });
    expect(dropped).toMatchObject({ previousLevel: 'a3_autonomous', autonomyLevel: 'a2_supervised' });
    const listed = await f.built.app.inject({ method: 'GET', url: `/api/org-units/${f.orgUnitId}/workflows`, headers: bearer(f.tokens.viewer) });
    expect(listed.json<{ items: { id: string; autonomy: string }[] }>().items).toContainEqual(expect.objectContaining({ id: 'wf_test_chain5', autonomy: 'a2_supervised' }));
    const incidents = await f.built.governance.incidents.list(f.orgUnitId, { source: 'evaluator' });
    expect(incidents).toContainEqual(expect.objectContaining({ id: dropped.incidentId, title: 'Regression in wf_test_chain5: success rate' }));
    // At A2 already: an incident, no change of level.
    expect(await f.built.workflows.regressionDetected(f.orgUnitId, 'wf_test_chain5', { metric: 'success rate', detail: 'again' })).toMatchObject({ previousLevel: 'a2_supervised', autonomyLevel: 'a2_supervised' });
  });

  it('refuses raising autonomy to A3 to anyone but a founder, with the verdict', async () => {
    const response = await f.built.app.inject({
      method: 'POST',
      url: '/api/workflows/wf_test_chain5/autonomy',
      headers: bearer(f.tokens.operator),
      payload: { autonomyLevel: 'a3_autonomous' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json<{ code: string; detail: string }>()).toMatchObject({ code: 'GOV_DENIED' });
    expect(response.json<{ detail: string }>().detail).toContain('only a founder may raise autonomy to A3/A4');
  });

  it('starts the workflows an ingested event triggers, in the event\'s own commit', async () => {
    const response = await f.built.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(f.tokens.operator),
      payload: { type: 'content.requested', idempotencyKey: 'content-1', occurredAt: '2026-11-25T10:00:00Z', payload: { sku: 'LAMP-1', channel: 'social_post' } },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { runs } = response.json<{ runs: { runId: string; workflowId: string }[] }>();
    // The built-in content workflow answers content.requested too.
    expect(runs.map((run) => run.workflowId).sort()).toEqual(['wf_content_generation', 'wf_test_triggered']);
    await waitForRuns(runs.map((run) => run.runId), (run) => run.status === 'completed');
    const again = await f.built.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(f.tokens.operator),
      payload: { type: 'content.requested', idempotencyKey: 'content-1', occurredAt: '2026-11-25T10:00:00Z', payload: { sku: 'LAMP-1', channel: 'social_post' } },
    });
    expect(again.json()).toMatchObject({ duplicate: true, runs: [] });
  });

  it('answers the first run for a repeated idempotency key', async () => {
    const first = await f.built.workflows.startRun(f.orgUnitId, 'wf_test_chain3', 'same-key', { chain: 'same' });
    const again = await f.built.workflows.startRun(f.orgUnitId, 'wf_test_chain3', 'same-key', { chain: 'same' });
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    await waitForRuns([first.id], (run) => run.status === 'completed');
    expect(await effects('same')).toHaveLength(3);
  });

  it('fires a durable timer after the runtime restarts while the run sleeps', async () => {
    const id = await start('wf_test_timer', 'sleeper');
    const [sleeping] = await waitForRuns([id], (run) => run.status === 'waiting');
    expect(sleeping?.waiting_for).toBe('timer:nap');
    const sleptAt = Date.now();
    await f.built.runtime.stop();
    // A new process would start a new runtime with its own lease owner; so does this test.
    const { catalog } = { catalog: workflowCatalog(workflowModule.workflows) };
    const restarted = createWorkflowRuntime(
      { pool: f.db.pool, catalog, router: f.built.tools, killSwitch: f.built.governance.killSwitchState, clock: { now: Date.now }, logger: f.built.app.log as never, announce: () => undefined },
      { pollMs: 100 },
    );
    await restarted.start();
    try {
      const [done] = await waitForRuns([id], (run) => run.status === 'completed');
      expect(done?.completed_at?.getTime()).toBeGreaterThanOrEqual(sleptAt + 1_500);
      expect((await effects('sleeper')).map((row) => row.step)).toEqual([1, 2]);
    } finally {
      await restarted.stop();
      await f.built.runtime.start();
    }
  });

  it('turns side effects into drafts at A0, and continues once a person marks each done', async () => {
    await setAutonomy('wf_test_chain3', 'a0_manual');
    try {
      const id = await start('wf_test_chain3', 'manual');
      let previous = '';
      for (let step = 1; step <= 3; step += 1) {
        const [waiting] = await waitForRuns([id], (run) => run.status === 'waiting' && (run.waiting_for ?? '').startsWith('draft:') && run.waiting_for !== previous);
        previous = waiting?.waiting_for ?? '';
        const actionId = previous.slice('draft:'.length);
        const drafts = await f.built.app.inject({ method: 'GET', url: `/api/org-units/${f.orgUnitId}/drafts`, headers: bearer(f.tokens.viewer) });
        expect(drafts.json<{ items: { actionId: string; tool: string }[] }>().items).toContainEqual(expect.objectContaining({ actionId, tool: 'test.write_effect' }));
        const done = await f.built.app.inject({
          method: 'POST',
          url: `/api/org-units/${f.orgUnitId}/drafts/${actionId}/complete`,
          headers: bearer(f.tokens.operator),
          payload: { note: `did step ${step} by hand` },
        });
        expect(done.statusCode).toBe(200);
      }
      await waitForRuns([id], (run) => run.status === 'completed');
      // The person did the work: the tool itself never wrote.
      expect(await effects('manual')).toEqual([]);
    } finally {
      await setAutonomy('wf_test_chain3', 'a2_supervised');
    }
  });

  it('holds runs while the kill switch is engaged; after the release the workflow is back at A0 and drafts', async () => {
    await killSwitch('engage');
    let released = false;
    try {
      const id = await start('wf_test_chain3', 'halted');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await effects('halted')).toEqual([]);
      // The engage paused the workflow: the run has not moved.
      expect((await findRun(f.db.pool, f.orgUnitId, id))?.status).toBe('pending');
      await killSwitch('release');
      released = true;
      // A release never restores autonomy: the workflow's first step after it is a draft for a person.
      const [waiting] = await waitForRuns([id], (run) => run.status === 'waiting' && (run.waiting_for ?? '').startsWith('draft:'));
      expect(waiting?.waiting_for).toMatch(/^draft:/);
      expect(await effects('halted')).toEqual([]);
      const discard = await f.built.app.inject({
        method: 'POST',
        url: `/api/org-units/${f.orgUnitId}/drafts/${(waiting?.waiting_for ?? '').slice('draft:'.length)}/discard`,
        headers: bearer(f.tokens.operator),
        payload: { reason: 'not after an incident' },
      });
      expect(discard.statusCode, discard.body).toBe(200);
      const [ended] = await waitForRuns([id], (run) => run.status === 'completed');
      expect(ended?.snapshot).toMatchObject({ machine: { value: 'failed' } });
    } finally {
      if (!released) await killSwitch('release');
      await setAutonomy('wf_test_chain3', 'a2_supervised');
    }
  });

  it('waits durably on an approval a policy asks for, and resumes on the decision', async () => {
    const founder = { id: 'founder-test', kind: 'user', role: 'founder' } as const;
    const { policies } = f.built.governance;
    const created = await policies.createVersion(
      f.orgUnitId,
      'effects_need_approval',
      'policy effects_need_approval\n  on test.write_effect\n  require_approval when action.input.step == 2\n  because "step two is checked by a person"\n',
      founder,
    );
    await policies.activate(f.orgUnitId, 'effects_need_approval', created.version, founder);
    try {
      const id = await start('wf_test_chain3', 'approved');
      const [waiting] = await waitForRuns([id], (run) => run.status === 'waiting' && (run.waiting_for ?? '').startsWith('approval:'));
      expect((await effects('approved')).map((row) => row.step)).toEqual([1]);
      const approvalId = (waiting?.waiting_for ?? '').slice('approval:'.length);
      const decided = await f.built.app.inject({
        method: 'POST',
        url: `/api/org-units/${f.orgUnitId}/approvals/${approvalId}/decision`,
        headers: bearer(f.tokens.operator),
        payload: { decision: 'approve', reason: 'checked' },
      });
      expect(decided.statusCode, decided.body).toBe(200);
      await waitForRuns([id], (run) => run.status === 'completed');
      expect((await effects('approved')).map((row) => row.step)).toEqual([1, 2, 3]);
      const journal = await f.built.workflows.run(f.orgUnitId, id);
      expect(journal.journal.filter((entry) => entry.kind === 'approval')).toEqual([expect.objectContaining({ step: 'step2', payload: expect.objectContaining({ approvalId }) })]);
      // Every step reaches the live stream through the outbox, committed with the step (the
      // start commits with the first tool call); the relay copies outbox rows to the stream
      // after that commit, so the last one may trail.
      const streamed = async () =>
        f.db.pool.anyFirst(sql.type(z.object({ update: z.string() }))`
          SELECT (payload->>'status') || ':' || (payload->>'steps') AS update FROM stream_events
           WHERE org_unit_id = ${f.orgUnitId} AND type = 'workflow.run.updated' AND payload->>'runId' = ${id} ORDER BY seq`);
      await expect.poll(streamed, { timeout: 10_000 }).toEqual(['running:1', 'waiting:1', 'running:2', 'completed:3']);
    } finally {
      await policies.retire(f.orgUnitId, 'effects_need_approval', created.version, founder);
    }
  });

  it('does not run the steps of a paused workflow until it is resumed', async () => {
    const pause = await f.built.app.inject({ method: 'POST', url: `/api/org-units/${f.orgUnitId}/workflows/wf_test_chain3/pause`, headers: bearer(f.tokens.operator) });
    expect(pause.statusCode).toBe(200);
    const id = await start('wf_test_chain3', 'paused');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await effects('paused')).toEqual([]);
    const resume = await f.built.app.inject({ method: 'POST', url: `/api/org-units/${f.orgUnitId}/workflows/wf_test_chain3/resume`, headers: bearer(f.tokens.operator) });
    expect(resume.statusCode).toBe(200);
    await waitForRuns([id], (run) => run.status === 'completed');
    expect(await effects('paused')).toHaveLength(3);
  });
});

async function setAutonomy(workflowId: string, autonomyLevel: string) {
  const response = await f.built.app.inject({
    method: 'POST',
    url: `/api/workflows/${workflowId}/autonomy`,
    headers: bearer(f.tokens.founder),
    payload: { autonomyLevel },
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function killSwitch(action: 'engage' | 'release') {
  const response = await f.built.app.inject({
    method: 'POST',
    url: `/api/org-units/${f.orgUnitId}/kill-switch`,
    headers: bearer(f.tokens.founder),
    payload: { action, scope: 'global', reason: 'runtime test' },
  });
  expect(response.statusCode, response.body).toBe(200);
}
