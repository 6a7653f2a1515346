import { assign, setup } from 'xstate';
import { defineWorkflow } from '../../engine/workflows/index.js';
import { workflowEffects } from '../workflow-effects.js';
import { failureOf, numberField, outputField, stringField, type RunInput, type RunTrigger } from './tool-output.js';

/**
 * wf_creator_payout, on payout.due: assess the payout (the period's reconciliation, the
 * payee's risk score, collected net minus reserves and open disputes); if anything stands
 * in the way, block it with an incident naming every reason. Otherwise hold the cash, post
 * the payout (judged again by the payout invariants on the books as they are then) and
 * release the hold. A post that is refused releases the hold and reports why.
 */

type Outcome = 'paid' | 'blocked' | 'nothing_due' | 'handled_by_person' | 'failed';

type PayoutContext = {
  trigger: RunTrigger;
  payoutId: string | null;
  amountMinor: number | null;
  currency: string | null;
  reasons: readonly string[];
  incidentId: string | null;
  failure: string | null;
  outcome: Outcome | null;
};

type DoneEvent = { type: 'tool.done'; step: string; output: unknown; at: number };
type FailedEvent = { type: 'tool.failed'; step: string; code: string; message: string; at: number };
type PayoutEvent = DoneEvent | FailedEvent | { type: 'timer.fired'; name: string; at: number };

const ended = (outcome: Outcome) => ({ type: 'final' as const, entry: { type: 'end' as const, params: { outcome } } });
const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

const machine = setup({
  types: { context: {} as PayoutContext, input: {} as RunInput, events: {} as PayoutEvent },
  actions: {
    ...workflowEffects,
    end: assign((_, params: { outcome: Outcome }) => ({ outcome: params.outcome })),
    recordFailure: assign({ failure: ({ event }) => failureOf(event as FailedEvent) }),
    recordAssessment: assign(({ event }) => ({
      payoutId: stringField(event as DoneEvent, 'payoutId') ?? null,
      amountMinor: numberField(event as DoneEvent, 'amountMinor') ?? null,
      currency: stringField(event as DoneEvent, 'currency') ?? null,
      reasons: stringsOf(outputField(event as DoneEvent, 'blockers')),
    })),
    holdRefused: assign({ reasons: ({ event }) => [`the cash could not be held (${failureOf(event as FailedEvent)})`] }),
    postRefused: assign({ reasons: ({ event }) => [`posting the payout was refused (${failureOf(event as FailedEvent)})`] }),
    recordIncident: assign({ incidentId: ({ event }) => stringField(event as DoneEvent, 'incidentId') ?? null }),
  },
  guards: {
    byHand: ({ event }) => outputField(event as DoneEvent, 'payoutId') === undefined,
    blocked: ({ event }) => stringsOf(outputField(event as DoneEvent, 'blockers')).length > 0,
    nothingDue: ({ event }) => numberField(event as DoneEvent, 'amountMinor') === 0,
  },
}).createMachine({
  id: 'wf_creator_payout',
  context: ({ input }) => ({ trigger: input.trigger, payoutId: null, amountMinor: null, currency: null, reasons: [], incidentId: null, failure: null, outcome: null }),
  initial: 'assessing',
  states: {
    assessing: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'assess', tool: 'creator_payouts.assess', input: { ...context.trigger.payload } }) },
      on: {
        'tool.done': [
          { guard: 'byHand', target: 'handledByPerson' },
          { guard: 'blocked', target: 'reporting', actions: 'recordAssessment' },
          { guard: 'nothingDue', target: 'nothingDue', actions: 'recordAssessment' },
          { target: 'holding', actions: 'recordAssessment' },
        ],
        'tool.failed': { target: 'failed', actions: 'recordFailure' },
      },
    },
    holding: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'hold', tool: 'creator_payouts.hold', input: { payoutId: context.payoutId } }) },
      on: { 'tool.done': 'posting', 'tool.failed': { target: 'releasingAfterRefusal', actions: 'holdRefused' } },
    },
    posting: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: 'post',
          tool: 'payouts.post_creator_payout',
          input: { payoutId: context.payoutId, amountMinor: context.amountMinor, currency: context.currency },
        }),
      },
      on: { 'tool.done': 'releasing', 'tool.failed': { target: 'releasingAfterRefusal', actions: 'postRefused' } },
    },
    releasing: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'release', tool: 'creator_payouts.release_hold', input: { payoutId: context.payoutId } }) },
      // The payout is posted either way; an earmark left behind lapses on its own.
      on: { 'tool.done': 'paid', 'tool.failed': { target: 'paid', actions: 'recordFailure' } },
    },
    releasingAfterRefusal: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'release_refused', tool: 'creator_payouts.release_hold', input: { payoutId: context.payoutId } }) },
      on: { 'tool.done': 'reporting', 'tool.failed': 'reporting' },
    },
    reporting: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'report', tool: 'creator_payouts.report_blocked', input: { payoutId: context.payoutId, reasons: context.reasons } }) },
      on: { 'tool.done': { target: 'blocked', actions: 'recordIncident' }, 'tool.failed': { target: 'failed', actions: 'recordFailure' } },
    },
    paid: ended('paid'),
    blocked: ended('blocked'),
    nothingDue: ended('nothing_due'),
    handledByPerson: ended('handled_by_person'),
    failed: ended('failed'),
  },
  output: ({ context }) => ({
    outcome: context.outcome,
    payoutId: context.payoutId,
    amountMinor: context.amountMinor,
    currency: context.currency,
    reasons: context.reasons,
    incidentId: context.incidentId,
    failure: context.failure,
  }),
});

export const creatorPayoutWorkflow = defineWorkflow({
  id: 'wf_creator_payout',
  version: 1,
  name: 'Creator payout',
  description: 'Assesses a due creator payout (reconciliation, risk, available funds), holds the cash, posts the payout and releases the hold; a blocked payout opens an incident saying why.',
  triggers: ['payout.due'],
  tools: ['creator_payouts.assess', 'creator_payouts.hold', 'payouts.post_creator_payout', 'creator_payouts.release_hold', 'creator_payouts.report_blocked'],
  defaultAutonomy: 'a2_supervised',
  machine,
});
