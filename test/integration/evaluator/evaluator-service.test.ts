import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findSeries } from '../../../db/queries/evaluator-series.js';
import { seededRandom } from '../../../engine/kernel/index.js';
import { AppError } from '../../../server/errors/catalog.js';
import { createEvaluatorService, type RecordedOutcome, type RegressionHandled } from '../../../server/evaluator/evaluator-service.js';
import { verifyAuditChain } from '../../../server/governance/audit-verify.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';

const modulePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../support/workflows/chain-workflows.ts');

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture({ BOS_WORKFLOW_MODULES: modulePath });
});
afterAll(async () => {
  await f.close();
});

/** Quality scores around `mean`, as a content workflow would report them. */
function scores(seed: string, count: number, mean: number, sigma = 0.03): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => mean + sigma * random.normal());
}

async function setAutonomy(workflowId: string, autonomyLevel: string) {
  const response = await f.built.app.inject({ method: 'POST', url: `/api/workflows/${workflowId}/autonomy`, headers: bearer(f.tokens.founder), payload: { autonomyLevel } });
  expect(response.statusCode, response.body).toBe(200);
}

async function autonomyOf(workflowId: string): Promise<string> {
  return f.db.pool.oneFirst(sql.type(z.object({ autonomy: z.string() }))`
    SELECT autonomy FROM workflows WHERE org_unit_id = ${f.orgUnitId} AND id = ${workflowId}`);
}

async function outcomeCount(subjectId: string): Promise<number> {
  return f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM outcomes WHERE org_unit_id = ${f.orgUnitId} AND subject_id = ${subjectId}`);
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('the evaluator service', () => {
  it('drops an A3 workflow whose outcomes fall to A2 and opens an incident saying what fell', async () => {
    await setAutonomy('wf_test_chain3', 'a3_autonomous');
    const series = { subject: 'workflow', id: 'wf_test_chain3', metric: 'quality' } as const;
    for (const [index, value] of scores('steady', 60, 0.92).entries()) {
      const recorded = await f.built.evaluator.recordOutcome(f.orgUnitId, series, value, { key: `steady-${index}` });
      expect(recorded.alarm).toBeNull();
    }
    expect(await autonomyOf('wf_test_chain3')).toBe('a3_autonomous');

    let alarmed: RecordedOutcome | undefined;
    let afterDrop = 0;
    for (const value of scores('dropped', 40, 0.7)) {
      afterDrop += 1;
      const recorded = await f.built.evaluator.recordOutcome(f.orgUnitId, series, value);
      if (recorded.alarm) {
        alarmed = recorded;
        break;
      }
    }
    expect(afterDrop).toBeLessThanOrEqual(10);
    expect(alarmed).toMatchObject({
      series,
      observations: 60 + afterDrop,
      alarm: { kind: 'page_hinkley', threshold: 15 },
      regression: { previousLevel: 'a3_autonomous', autonomyLevel: 'a2_supervised' },
    });
    expect(await autonomyOf('wf_test_chain3')).toBe('a2_supervised');

    const incident = await f.built.governance.incidents.get(f.orgUnitId, alarmed!.regression!.incidentId);
    expect(incident).toMatchObject({ source: 'evaluator', severity: 'high', status: 'open', title: 'Regression in wf_test_chain3: quality' });
    expect(incident.description).toMatch(/^Page-Hinkley detected a drop in quality of workflow wf_test_chain3: the mean of the last \d+ observations is 0\.\d+, against a baseline of 0\.9\d* \(σ 0\.0\d+\)/);
    expect(incident.description).toContain('Autonomy dropped from a3_autonomous to a2_supervised.');

    // The drop was handed over once; the detector warms up again at the new level.
    expect((await findSeries(f.db.pool, { orgUnitId: f.orgUnitId, subjectType: 'workflow', subjectId: 'wf_test_chain3', metric: 'quality' }))).toMatchObject({
      alarms: 1,
      pending_alarm: null,
      observations: 60 + afterDrop,
    });
    expect(await outcomeCount('wf_test_chain3')).toBe(60 + afterDrop);
    const again = await f.built.evaluator.recordOutcome(f.orgUnitId, series, 0.7);
    expect(again).toMatchObject({ warmingUp: true, alarm: null, regression: null });
    expect((await verifyAuditChain(f.db.pool, f.orgUnitId)).ok).toBe(true);
  });

  it('opens an incident for a decision type whose rewards fall', async () => {
    const series = { subject: 'decision_type', id: 'pricing', metric: 'reward' } as const;
    let handled: RegressionHandled | null | undefined;
    for (const value of [...scores('pricing-steady', 30, 120, 10), ...scores('pricing-drop', 30, 60, 10)]) {
      handled ??= (await f.built.evaluator.recordOutcome(f.orgUnitId, series, value)).regression;
    }
    expect(handled).toMatchObject({ autonomyLevel: null, previousLevel: null });
    const incident = await f.built.governance.incidents.get(f.orgUnitId, handled!.incidentId);
    expect(incident).toMatchObject({ source: 'evaluator', title: 'Regression in decision type pricing: reward' });
    expect(incident.description).toContain('drop in reward of decision type pricing');
  });

  it('counts a keyed observation once and answers a repeat as it did the first time', async () => {
    const series = { subject: 'decision_type', id: 'ad_spend' } as const;
    const first = await f.built.evaluator.recordOutcome(f.orgUnitId, series, 0.5, { key: 'decision-1' });
    const repeat = await f.built.evaluator.recordOutcome(f.orgUnitId, series, 0.5, { key: 'decision-1' });
    expect(first).toMatchObject({ duplicate: false, observations: 1, warmingUp: true, series: { metric: 'outcome' } });
    expect(repeat).toEqual({ ...first, duplicate: true });
    expect(await outcomeCount('ad_spend')).toBe(1);
    const conflict = await rejection(f.built.evaluator.recordOutcome(f.orgUnitId, series, 0.9, { key: 'decision-1' }));
    expect(conflict.code).toBe('IDEMPOTENCY_CONFLICT');
    const elsewhere = await rejection(f.built.evaluator.recordOutcome(f.orgUnitId, { subject: 'decision_type', id: 'pricing' }, 0.5, { key: 'decision-1' }));
    expect(elsewhere.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await outcomeCount('ad_spend')).toBe(1);
  });

  it('refuses bad input naming the field, and an unknown workflow, writing nothing', async () => {
    const bad = await rejection(f.built.evaluator.recordOutcome(f.orgUnitId, { subject: 'workflow', id: 'wf_test_chain5', metric: 'Bad Metric' }, Number.NaN));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.message).toContain('outcome.series.metric: must be lowercase letters');
    expect(bad.message).toContain('outcome.value: ');
    const unknown = await rejection(f.built.evaluator.recordOutcome(f.orgUnitId, { subject: 'workflow', id: 'wf_nope' }, 1));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(await outcomeCount('wf_test_chain5')).toBe(0);
    expect(await outcomeCount('wf_nope')).toBe(0);
  });

  it('keeps an alarm it could not hand over and hands it over with the next observation', async () => {
    await setAutonomy('wf_test_chain5', 'a4_self_optimizing');
    let refusals = 1;
    const evaluator = createEvaluatorService({
      pool: f.db.pool,
      clock: { now: Date.now },
      incidents: f.built.governance.incidents,
      workflows: {
        // The real hook, behind a connection that drops once.
        regressionDetected: (...args) => (refusals-- > 0 ? Promise.reject(new Error('connection lost')) : f.built.workflows.regressionDetected(...args)),
      },
    });
    const series = { subject: 'workflow', id: 'wf_test_chain5', metric: 'success_rate' } as const;
    for (const value of scores('chain5', 30, 0.95, 0.02)) await evaluator.recordOutcome(f.orgUnitId, series, value);
    let failure: unknown;
    for (const value of scores('chain5-drop', 20, 0.5, 0.02)) {
      try {
        await evaluator.recordOutcome(f.orgUnitId, series, value);
      } catch (error) {
        failure = error;
        break;
      }
    }
    expect(failure).toMatchObject({ message: 'connection lost' });
    const key = { orgUnitId: f.orgUnitId, subjectType: 'workflow', subjectId: 'wf_test_chain5', metric: 'success_rate' } as const;
    expect((await findSeries(f.db.pool, key))?.pending_alarm).toMatchObject({ number: 1 });
    expect(await autonomyOf('wf_test_chain5')).toBe('a4_self_optimizing');

    const next = await evaluator.recordOutcome(f.orgUnitId, series, 0.5);
    expect(next).toMatchObject({ alarm: null, regression: { previousLevel: 'a4_self_optimizing', autonomyLevel: 'a2_supervised' } });
    expect((await findSeries(f.db.pool, key))?.pending_alarm).toBeNull();
    expect(await autonomyOf('wf_test_chain5')).toBe('a2_supervised');
  });
});
