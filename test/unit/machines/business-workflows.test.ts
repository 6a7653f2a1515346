import { describe, expect, it } from 'vitest';
import { advanceMachine, startMachine, type RunEvent, type Step, type WorkflowDefinition } from '../../../engine/workflows/index.js';
import { creatorPayoutWorkflow } from '../../../machines/workflows/creator-payout.js';
import { fraudDetectionWorkflow, fraudReviewDelayMs } from '../../../machines/workflows/fraud-detection.js';
import { builtinWorkflows } from '../../../machines/workflows/index.js';

const orderId = '6f1c7a52-3e4b-4d0a-9a51-2b1f0f6c1e01';
const payoutId = '0b7d7c4e-52f1-4a6e-8c53-9d2e4b6a1f02';
const at = 1_790_000_000_000;

/** Drives a machine the way the runtime does: every step from the stored (JSON) snapshot. */
function drive(definition: WorkflowDefinition, type: string, payload: Record<string, unknown>, events: readonly RunEvent[]): Step[] {
  const steps = [startMachine(definition, { trigger: { type, eventId: 'a3f0c1de-0000-4000-8000-000000000001', payload }, seed: 's', at })];
  for (const event of events) steps.push(advanceMachine(definition, JSON.parse(JSON.stringify(steps.at(-1)!.machine)) as Step['machine'], event));
  return steps;
}
const done = (step: string, output: unknown): RunEvent => ({ type: 'tool.done', step, output, at });
const failed = (step: string, code: string, message: string): RunEvent => ({ type: 'tool.failed', step, code, message, at });
const toolsAsked = (steps: Step[]) => steps.flatMap((s) => s.outcome.effects.map((e) => (e.kind === 'tool' ? e.tool : `${e.kind}:${'name' in e ? e.name : ''}`)));

describe('builtin workflows', () => {
  it('registers the four business workflows, each on its trigger or schedule', () => {
    expect(builtinWorkflows.map((w) => [w.id, w.version, w.triggers])).toEqual([
      ['wf_creator_payout', 1, ['payout.due']],
      ['wf_fraud_detection', 1, ['order.placed', 'chargeback.received']],
      ['wf_content_generation', 1, ['content.requested']],
      ['wf_pricing_optimization', 1, []],
    ]);
  });
});

describe('wf_fraud_detection', () => {
  const placed = { orderId: 'ext-1', sku: 'LAMP-1', quantity: 1, unitPriceMinor: 4999, currency: 'USD', customerRef: 'c1', features: { accountAgeDays: 0 } };
  const scored = (block: boolean) => ({ orderId, externalId: 'ext-1', score: block ? 0.9 : 0.01, threshold: 0.3, block, drivers: ['velocity'], modelVersion: 4 });

  it('lets an order under the threshold through after scoring it', () => {
    const steps = drive(fraudDetectionWorkflow, 'order.placed', placed, [done('score', scored(false))]);
    expect(toolsAsked(steps)).toEqual(['fraud.score_order']);
    expect(steps[0]!.outcome.effects[0]).toMatchObject({ input: { ...placed, eventId: 'a3f0c1de-0000-4000-8000-000000000001' } });
    expect(steps.at(-1)!.outcome).toMatchObject({ status: 'done', output: { outcome: 'allowed', score: 0.01 } });
  });

  it('blocks, reports, waits out the review window, and releases an order the model now clears', () => {
    const steps = drive(fraudDetectionWorkflow, 'order.placed', placed, [
      done('score', scored(true)),
      done('block', { orderId, previousStatus: 'placed', status: 'blocked' }),
      done('report', { incidentId: '11111111-1111-4111-8111-111111111111' }),
      { type: 'timer.fired', name: 'review', at: at + fraudReviewDelayMs },
      done('review', { orderId, verdict: 'clear', score: 0.1, threshold: 0.3, modelVersion: 9 }),
      done('release', { orderId, previousStatus: 'blocked', status: 'released' }),
    ]);
    expect(toolsAsked(steps)).toEqual(['fraud.score_order', 'orders.block', 'fraud.report_blocked_order', 'timer:review', 'fraud.review_order', 'orders.release']);
    expect(steps[1]!.outcome.effects[0]).toMatchObject({ input: { orderId, reason: 'fraud score 0.900 at or above the threshold 0.300' } });
    expect(steps.at(-1)!.outcome.output).toMatchObject({ outcome: 'released', verdict: 'clear', incidentId: '11111111-1111-4111-8111-111111111111' });
  });

  it('keeps a confirmed fraud held, and learns from a chargeback', () => {
    const held = drive(fraudDetectionWorkflow, 'order.placed', placed, [
      done('score', scored(true)),
      done('block', {}),
      done('report', { incidentId: '11111111-1111-4111-8111-111111111111' }),
      { type: 'timer.fired', name: 'review', at },
      done('review', { orderId, verdict: 'confirmed_fraud', score: 0.95, threshold: 0.3, modelVersion: 9 }),
    ]);
    expect(held.at(-1)!.outcome.output).toMatchObject({ outcome: 'held', verdict: 'confirmed_fraud' });
    const learnt = drive(fraudDetectionWorkflow, 'chargeback.received', { orderId: 'ext-1', amountMinor: 4999, currency: 'USD' }, [
      done('learn', { orderId, labelled: true, cleared: 0, modelVersion: 10, threshold: 0.3 }),
    ]);
    expect(toolsAsked(learnt)).toEqual(['fraud.learn_chargeback']);
    expect(learnt[0]!.outcome.effects[0]).toMatchObject({ input: { orderId: 'ext-1', eventId: 'a3f0c1de-0000-4000-8000-000000000001' } });
    expect(learnt.at(-1)!.outcome.output).toMatchObject({ outcome: 'learnt' });
  });

  it('ends failed with the reason when scoring is refused, and refuses events it does not handle', () => {
    const refused = drive(fraudDetectionWorkflow, 'order.placed', placed, [failed('score', 'TOOL_PRECONDITION_FAILED', "sku LAMP-1 is not in this org unit's catalog")]);
    expect(refused.at(-1)!.outcome.output).toMatchObject({ outcome: 'failed', failure: "TOOL_PRECONDITION_FAILED: sku LAMP-1 is not in this org unit's catalog" });
    const other = drive(fraudDetectionWorkflow, 'manual', {}, []);
    expect(other[0]!.outcome.output).toMatchObject({ outcome: 'failed', failure: 'wf_fraud_detection starts on order.placed or chargeback.received, not manual' });
  });
});

describe('wf_creator_payout', () => {
  const due = { creatorHandle: 'lena.live', periodStart: '2026-11-01', periodEnd: '2026-11-07', amountMinor: 12_000, currency: 'USD' };
  const assessed = (blockers: string[]) => ({ payoutId, payee: 'creator:lena.live:payable', amountMinor: 12_000, currency: 'USD', blockers });

  it('holds, posts and releases a payout that passes its checks', () => {
    const steps = drive(creatorPayoutWorkflow, 'payout.due', due, [done('assess', assessed([])), done('hold', {}), done('post', {}), done('release', {})]);
    expect(toolsAsked(steps)).toEqual(['creator_payouts.assess', 'creator_payouts.hold', 'payouts.post_creator_payout', 'creator_payouts.release_hold']);
    expect(steps[2]!.outcome.effects[0]).toMatchObject({ input: { payoutId, amountMinor: 12_000, currency: 'USD' } });
    expect(steps.at(-1)!.outcome.output).toMatchObject({ outcome: 'paid', payoutId });
  });

  it('reports every reason a payout is blocked, and a refused post after releasing its hold', () => {
    const blocked = drive(creatorPayoutWorkflow, 'payout.due', due, [done('assess', assessed(['the payout period is not reconciled'])), done('report', { payoutId, incidentId: '22222222-2222-4222-8222-222222222222' })]);
    expect(toolsAsked(blocked)).toEqual(['creator_payouts.assess', 'creator_payouts.report_blocked']);
    expect(blocked[1]!.outcome.effects[0]).toMatchObject({ input: { payoutId, reasons: ['the payout period is not reconciled'] } });
    expect(blocked.at(-1)!.outcome.output).toMatchObject({ outcome: 'blocked', incidentId: '22222222-2222-4222-8222-222222222222' });

    const refused = drive(creatorPayoutWorkflow, 'payout.due', due, [done('assess', assessed([])), done('hold', {}), failed('post', 'GOV_DENIED', 'cash runway would fall below 30 days'), done('release_refused', {}), done('report', { payoutId, incidentId: '22222222-2222-4222-8222-222222222222' })]);
    expect(toolsAsked(refused)).toEqual(['creator_payouts.assess', 'creator_payouts.hold', 'payouts.post_creator_payout', 'creator_payouts.release_hold', 'creator_payouts.report_blocked']);
    expect(refused[4]!.outcome.effects[0]).toMatchObject({ input: { reasons: ['posting the payout was refused (GOV_DENIED: cash runway would fall below 30 days)'] } });
  });

  it('ends as done by a person when the assessment was a completed draft', () => {
    const steps = drive(creatorPayoutWorkflow, 'payout.due', due, [done('assess', { completedBy: 'user:1', note: 'paid by bank transfer' })]);
    expect(steps.at(-1)!.outcome.output).toMatchObject({ outcome: 'handled_by_person' });
  });
});
