import { assign, setup } from 'xstate';
import { defineWorkflow } from '../../engine/workflows/index.js';
import { workflowEffects } from '../workflow-effects.js';
import { failureOf, numberField, outputField, stringField, type RunInput, type RunTrigger } from './tool-output.js';

/**
 * wf_fraud_detection. On order.placed: score the order; above the threshold block it, open
 * an incident saying why, and after a review window look again: a chargeback confirms it, a
 * person's release teaches the model, and an order the model (having learnt meanwhile) no
 * longer scores above the threshold is released. On chargeback.received: label the order
 * fraud and learn. The review window is a durable timer, so it survives restarts.
 */

/** Long enough for a person to look at a blocked order, short enough that a genuine buyer is not lost. */
export const fraudReviewDelayMs = 24 * 3_600_000;

type Outcome = 'allowed' | 'held' | 'released' | 'learnt' | 'handled_by_person' | 'failed';

type FraudContext = {
  trigger: RunTrigger;
  orderId: string | null;
  score: number | null;
  threshold: number | null;
  drivers: readonly string[];
  modelVersion: number | null;
  verdict: string | null;
  incidentId: string | null;
  failure: string | null;
  outcome: Outcome | null;
};

type DoneEvent = { type: 'tool.done'; step: string; output: unknown; at: number };
type FailedEvent = { type: 'tool.failed'; step: string; code: string; message: string; at: number };
type FraudEvent = DoneEvent | FailedEvent | { type: 'timer.fired'; name: string; at: number };

const ended = (outcome: Outcome) => ({ type: 'final' as const, entry: { type: 'end' as const, params: { outcome } } });
const toFailed = { target: 'failed', actions: 'recordFailure' } as const;
const percent = (value: number | null) => (value === null ? '?' : value.toFixed(3));

const machine = setup({
  types: { context: {} as FraudContext, input: {} as RunInput, events: {} as FraudEvent },
  actions: {
    ...workflowEffects,
    end: assign((_, params: { outcome: Outcome }) => ({ outcome: params.outcome })),
    recordFailure: assign({ failure: ({ event }) => failureOf(event as FailedEvent) }),
    recordScore: assign(({ event }) => ({
      orderId: stringField(event as DoneEvent, 'orderId') ?? null,
      score: numberField(event as DoneEvent, 'score') ?? null,
      threshold: numberField(event as DoneEvent, 'threshold') ?? null,
      modelVersion: numberField(event as DoneEvent, 'modelVersion') ?? null,
      drivers: (outputField(event as DoneEvent, 'drivers') as string[] | undefined) ?? [],
    })),
    recordIncident: assign({ incidentId: ({ event }) => stringField(event as DoneEvent, 'incidentId') ?? null }),
    recordVerdict: assign({ verdict: ({ event }) => stringField(event as DoneEvent, 'verdict') ?? null }),
    recordNoEvent: assign({ failure: ({ context }) => `wf_fraud_detection starts on order.placed or chargeback.received, not ${context.trigger.type}` }),
  },
  guards: {
    isOrder: ({ context }) => context.trigger.type === 'order.placed',
    isChargeback: ({ context }) => context.trigger.type === 'chargeback.received',
    byHand: ({ event }) => outputField(event as DoneEvent, 'orderId') === undefined && outputField(event as DoneEvent, 'verdict') === undefined,
    blocks: ({ event }) => outputField(event as DoneEvent, 'block') === true,
    clears: ({ event }) => outputField(event as DoneEvent, 'verdict') === 'clear',
    releasedByPerson: ({ event }) => outputField(event as DoneEvent, 'verdict') === 'released_by_person',
  },
}).createMachine({
  id: 'wf_fraud_detection',
  context: ({ input }) => ({
    trigger: input.trigger,
    orderId: null,
    score: null,
    threshold: null,
    drivers: [],
    modelVersion: null,
    verdict: null,
    incidentId: null,
    failure: null,
    outcome: null,
  }),
  initial: 'routing',
  states: {
    routing: {
      always: [{ guard: 'isOrder', target: 'scoring' }, { guard: 'isChargeback', target: 'learning' }, { target: 'failed', actions: 'recordNoEvent' }],
    },
    scoring: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'score', tool: 'fraud.score_order', input: { ...context.trigger.payload, eventId: context.trigger.eventId } }) },
      on: {
        'tool.done': [
          { guard: 'byHand', target: 'handledByPerson' },
          { guard: 'blocks', target: 'blocking', actions: 'recordScore' },
          { target: 'allowed', actions: 'recordScore' },
        ],
        'tool.failed': toFailed,
      },
    },
    blocking: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: 'block',
          tool: 'orders.block',
          input: { orderId: context.orderId, reason: `fraud score ${percent(context.score)} at or above the threshold ${percent(context.threshold)}` },
        }),
      },
      on: { 'tool.done': 'reporting', 'tool.failed': toFailed },
    },
    reporting: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: 'report',
          tool: 'fraud.report_blocked_order',
          input: { orderId: context.orderId, score: context.score, threshold: context.threshold, drivers: context.drivers, modelVersion: context.modelVersion },
        }),
      },
      on: { 'tool.done': { target: 'awaitingReview', actions: 'recordIncident' }, 'tool.failed': toFailed },
    },
    awaitingReview: {
      entry: { type: 'startTimer', params: { name: 'review', delayMs: fraudReviewDelayMs } },
      on: { 'timer.fired': 'reviewing' },
    },
    reviewing: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'review', tool: 'fraud.review_order', input: { orderId: context.orderId } }) },
      on: {
        'tool.done': [
          { guard: 'byHand', target: 'handledByPerson' },
          { guard: 'clears', target: 'releasing', actions: 'recordVerdict' },
          { guard: 'releasedByPerson', target: 'released', actions: 'recordVerdict' },
          { target: 'held', actions: 'recordVerdict' },
        ],
        'tool.failed': toFailed,
      },
    },
    releasing: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'release', tool: 'orders.release', input: { orderId: context.orderId } }) },
      // A release refused (a person discarded it, a policy denied it) leaves the order held.
      on: { 'tool.done': 'released', 'tool.failed': { target: 'held', actions: 'recordFailure' } },
    },
    learning: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({ step: 'learn', tool: 'fraud.learn_chargeback', input: { orderId: context.trigger.payload.orderId, eventId: context.trigger.eventId } }),
      },
      on: { 'tool.done': 'learnt', 'tool.failed': toFailed },
    },
    allowed: ended('allowed'),
    held: ended('held'),
    released: ended('released'),
    learnt: ended('learnt'),
    handledByPerson: ended('handled_by_person'),
    failed: ended('failed'),
  },
  output: ({ context }) => ({
    outcome: context.outcome,
    orderId: context.orderId,
    score: context.score,
    threshold: context.threshold,
    verdict: context.verdict,
    incidentId: context.incidentId,
    failure: context.failure,
  }),
});

export const fraudDetectionWorkflow = defineWorkflow({
  id: 'wf_fraud_detection',
  version: 1,
  name: 'Fraud detection',
  description: 'Scores every placed order, blocks and reports those above the threshold, reviews them, and learns from chargebacks and releases.',
  triggers: ['order.placed', 'chargeback.received'],
  tools: ['fraud.score_order', 'orders.block', 'fraud.report_blocked_order', 'fraud.review_order', 'orders.release', 'fraud.learn_chargeback'],
  defaultAutonomy: 'a2_supervised',
  machine,
});
