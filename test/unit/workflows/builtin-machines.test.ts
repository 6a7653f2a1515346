import { describe, expect, it } from 'vitest';
import { advanceMachine, startMachine, type Effect, type RunEvent, type StartInput, type Step, type WorkflowDefinition } from '../../../engine/workflows/index.js';
import { contentGenerationWorkflow } from '../../../machines/workflows/content-generation.js';
import { pricingOptimizationWorkflow } from '../../../machines/workflows/pricing-optimization.js';

/**
 * The built-in machines driven purely, one event at a time: each step restores the machine
 * from the JSON snapshot the previous step persisted, as the runtime does after a restart.
 */
function drive(definition: WorkflowDefinition, start: StartInput) {
  let step: Step = startMachine(definition, start);
  const asked: Effect[] = [...step.outcome.effects];
  return {
    asked,
    get step() {
      return step;
    },
    send(event: RunEvent) {
      step = advanceMachine(definition, JSON.parse(JSON.stringify(step.machine)) as Step['machine'], event);
      asked.push(...step.outcome.effects);
      return step;
    },
  };
}

const at = Date.parse('2026-03-02T09:41:07Z');
const done = (step: string, output: unknown): RunEvent => ({ type: 'tool.done', step, output, at });
const failed = (step: string, code: string, message: string): RunEvent => ({ type: 'tool.failed', step, code, message, at });
const steps = (effects: readonly Effect[]) => effects.map((effect) => (effect.kind === 'tool' ? `${effect.step}:${effect.tool}` : effect.kind));

describe('wf_content_generation', () => {
  const start = (payload: Record<string, unknown>): StartInput => ({ trigger: { type: 'content.requested', eventId: null, payload }, seed: 'seed', at });
  const request = { sku: 'KIT-1001', channel: 'social_post', brief: 'for the evening stream' };
  const written = { text: 'A text', title: 'Social post: Kettle', productId: '7f8e2a52-55f2-4a57-9c5d-3b3c0a1d4e10', provider: 'offline', model: 'm' };
  const failing = { total: 0.41, passed: false, threshold: 0.8, failures: ['the product name "Kettle" is missing'], criteria: [] };

  it('rewrites with the evaluator’s reasons, then saves and publishes the passing text', () => {
    const run = drive(contentGenerationWorkflow, start(request));
    run.send(done('generate_1', written));
    run.send(done('evaluate_1', failing));
    const retry = run.asked.at(-1);
    expect(retry).toMatchObject({ kind: 'tool', step: 'generate_2', input: { attempt: 2, feedback: failing.failures } });
    run.send(done('generate_2', written));
    run.send(done('evaluate_2', { ...failing, total: 0.9, passed: true, failures: [] }));
    expect(run.asked.at(-1)).toMatchObject({ step: 'save_draft', tool: 'content.create_draft', input: { kind: 'social_post', body: 'A text', productId: written.productId, qualityScore: 0.9 } });
    run.send(done('save_draft', { contentId: 'c0ffee00-0000-4000-8000-000000000001', status: 'draft' }));
    const end = run.send(done('publish', { contentId: 'c0ffee00-0000-4000-8000-000000000001', status: 'published' }));
    expect(end.outcome).toMatchObject({ status: 'done', output: { outcome: 'published', attempts: 2, score: 0.9, contentId: 'c0ffee00-0000-4000-8000-000000000001' } });
    expect(steps(run.asked)).toEqual([
      'generate_1:content.generate', 'evaluate_1:content.evaluate', 'generate_2:content.generate', 'evaluate_2:content.evaluate',
      'save_draft:content.create_draft', 'publish:content.publish',
    ]);
  });

  it('escalates after three tries, failed generations counting as tries', () => {
    const run = drive(contentGenerationWorkflow, start(request));
    run.send(failed('generate_1', 'TOOL_FAILED', 'provider answered 503'));
    run.send(done('generate_2', written));
    run.send(done('evaluate_2', failing));
    run.send(done('generate_3', written));
    run.send(done('evaluate_3', failing));
    expect(run.asked.at(-1)).toMatchObject({
      step: 'escalate',
      tool: 'content.escalate',
      input: { attempts: 3, failures: ['try 1: TOOL_FAILED: provider answered 503', `try 2: ${failing.failures[0]}`, `try 3: ${failing.failures[0]}`], lastText: 'A text' },
    });
    const end = run.send(done('escalate', { incidentId: 'c0ffee00-0000-4000-8000-000000000002', duplicate: false }));
    expect(end.outcome.output).toMatchObject({ outcome: 'escalated', attempts: 3, incidentId: 'c0ffee00-0000-4000-8000-000000000002' });
  });

  it('ends without a step when the request names no channel it knows', () => {
    const run = drive(contentGenerationWorkflow, start({ sku: 'KIT-1001', channel: 'billboard' }));
    expect(run.step.outcome).toMatchObject({ status: 'done', effects: [], output: { outcome: 'rejected', reason: expect.stringContaining('channel') } });
  });
});

describe('wf_pricing_optimization', () => {
  const start = (payload: Record<string, unknown>): StartInput => ({ trigger: { type: 'schedule', eventId: null, payload }, seed: 'seed', at });
  const proposal = {
    decisionId: '0447b46d-8bde-44a1-97ac-e93a3b51c121',
    status: 'proposed',
    arm: 'up_5',
    productId: '17e515ec-988c-4d9a-8670-048aee732de7',
    sku: 'FSH-1001',
    previousPriceMinor: 6699,
    priceMinor: 7034,
    measureFrom: '2026-03-03T00:00:00.000Z',
    measureTo: '2026-03-04T00:00:00.000Z',
  };

  it('settles, decides, and sets the decided price for the period it was scheduled for', () => {
    const run = drive(pricingOptimizationWorkflow, start({ periodStart: '2026-03-02T07:00:00.000Z' }));
    expect(run.asked[0]).toMatchObject({ step: 'settle_outcomes', input: { asOf: '2026-03-02T07:00:00.000Z' } });
    run.send(done('settle_outcomes', { settled: [{ decisionId: 'a', sku: 'X', revenueMinor: 100, reward: 1 }], alreadySettled: 0 }));
    expect(run.asked.at(-1)).toMatchObject({ step: 'decide', tool: 'pricing.decide', input: { hour: '2026-03-02T07:00:00.000Z' } });
    run.send(done('decide', proposal));
    expect(run.asked.at(-1)).toMatchObject({ step: 'set_price', tool: 'pricing.set_price', input: { productId: proposal.productId, priceMinor: 7034, decisionId: proposal.decisionId } });
    const end = run.send(done('set_price', { productId: proposal.productId, previousPriceMinor: 6699, priceMinor: 7034 }));
    expect(end.outcome.output).toMatchObject({ outcome: 'priced', settled: 1, arm: 'up_5', priceMinor: 7034 });
  });

  it('reviews the hour it started in when started by hand, and stops at a deny with its reason', () => {
    const run = drive(pricingOptimizationWorkflow, start({}));
    expect(run.asked[0]).toMatchObject({ input: { asOf: '2026-03-02T09:00:00.000Z' } });
    run.send(failed('settle_outcomes', 'TOOL_FAILED', 'database unavailable'));
    run.send(done('decide', proposal));
    const end = run.send(failed('set_price', 'GOV_DENIED', 'margin_floor_chance v1: too likely'));
    expect(end.outcome.output).toMatchObject({ outcome: 'not_priced', reason: 'GOV_DENIED: margin_floor_chance v1: too likely' });
  });

  it('sets nothing while frozen or when there is nothing to price', () => {
    const frozen = drive(pricingOptimizationWorkflow, start({}));
    frozen.send(done('settle_outcomes', { settled: [], alreadySettled: 0 }));
    expect(frozen.send(done('decide', { ...proposal, status: 'frozen', arm: 'hold', priceMinor: null })).outcome.output).toMatchObject({ outcome: 'frozen' });
    const empty = drive(pricingOptimizationWorkflow, start({}));
    empty.send(done('settle_outcomes', { settled: [], alreadySettled: 0 }));
    expect(empty.send(done('decide', { decisionId: null, reason: 'no active product to price' })).outcome.output).toMatchObject({ outcome: 'nothing_to_price', reason: 'no active product to price' });
  });
});
