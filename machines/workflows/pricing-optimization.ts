import { assign, setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow, type RunEvent, type StartInput } from '../../engine/workflows/index.js';
import { workflowEffects } from '../workflow-effects.js';

/**
 * wf_pricing_optimization, once per hour of the shop's clock: first teach the pricing bandit
 * the realised revenue of earlier decisions whose measurement day has passed, then decide a
 * price change for the product whose turn it is (bandit choice, forecast in the twin), and
 * set the price through pricing.set_price — where the governor's margin-floor and
 * chance-constrained policies read the forecast, and the autonomy level may make the change
 * a draft (A0) or wait for an approval (A1).
 */
export const pricingWorkflowId = 'wf_pricing_optimization';

const hourMs = 3_600_000;

/** A scheduled run names its period (`periodStart`); one started by hand may name the hour and the product. */
const triggerSchema = z.object({
  periodStart: z.string().datetime({ offset: true }).optional(),
  hour: z.string().datetime({ offset: true }).optional(),
  productId: z.string().uuid().optional(),
});

const settledSchema = z.object({ settled: z.array(z.object({ decisionId: z.string() })) });
const proposedSchema = z.object({
  decisionId: z.string(),
  status: z.enum(['proposed', 'frozen']),
  arm: z.string(),
  productId: z.string(),
  sku: z.string(),
  previousPriceMinor: z.number().int(),
  priceMinor: z.number().int().nullable(),
});
type Proposed = z.infer<typeof proposedSchema>;

/** How a run ended. */
export type PricingOutcome = 'priced' | 'handed_over' | 'not_priced' | 'frozen' | 'nothing_to_price' | 'not_decided';

type Context = {
  /** The hour of the shop's clock this review is for (ISO, on the hour). */
  hour: string;
  productId: string | null;
  settled: number;
  decision: Proposed | null;
  reason: string | null;
  outcome: PricingOutcome | null;
};

const output = (event: RunEvent) => (event.type === 'tool.done' ? event.output : undefined);
const failure = (event: RunEvent) => (event.type === 'tool.failed' ? `${event.code}: ${event.message}` : 'the step did not succeed');

/** The hour the run reviews: the trigger's, or the hour the run started in (a run started by hand). */
function hourOf(input: StartInput, given: string | undefined): string {
  const at = given === undefined ? input.at : Date.parse(given);
  return new Date(Math.floor(at / hourMs) * hourMs).toISOString();
}

const machine = setup({
  types: { context: {} as Context, input: {} as StartInput, events: {} as RunEvent },
  actions: {
    ...workflowEffects,
    keepSettled: assign({ settled: ({ event }) => settledSchema.safeParse(output(event)).data?.settled.length ?? 0 }),
    keepDecision: assign({ decision: ({ event }) => proposedSchema.safeParse(output(event)).data ?? null }),
    keepReason: assign({ reason: ({ event }) => failure(event) }),
    keepNoDecisionReason: assign({ reason: ({ event }) => z.object({ reason: z.string() }).safeParse(output(event)).data?.reason ?? 'no decision was made' }),
  },
  guards: {
    proposed: ({ event }) => {
      const decision = proposedSchema.safeParse(output(event)).data;
      return decision?.status === 'proposed' && decision.priceMinor !== null;
    },
    frozen: ({ event }) => proposedSchema.safeParse(output(event)).data?.status === 'frozen',
    setByTool: ({ event }) => z.object({ priceMinor: z.number().int() }).safeParse(output(event)).success,
  },
}).createMachine({
  id: pricingWorkflowId,
  context: ({ input }) => {
    const trigger = triggerSchema.safeParse(input.trigger.payload);
    return {
      hour: hourOf(input, trigger.data?.periodStart ?? trigger.data?.hour),
      productId: trigger.data?.productId ?? null,
      settled: 0,
      decision: null,
      reason: null,
      outcome: null,
    };
  },
  initial: 'settling',
  states: {
    settling: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'settle_outcomes', tool: 'pricing.settle_outcomes', input: { asOf: context.hour } }) },
      on: {
        'tool.done': { target: 'deciding', actions: 'keepSettled' },
        // Learning that fails now is tried again by the next hour's run; deciding goes ahead.
        'tool.failed': { target: 'deciding', actions: 'keepReason' },
      },
    },
    deciding: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: 'decide',
          tool: 'pricing.decide',
          input: { hour: context.hour, ...(context.productId === null ? {} : { productId: context.productId }) },
        }),
      },
      on: {
        'tool.done': [
          { guard: 'proposed', target: 'pricing', actions: 'keepDecision' },
          { guard: 'frozen', target: 'frozen', actions: 'keepDecision' },
          { target: 'nothingToPrice', actions: 'keepNoDecisionReason' },
        ],
        'tool.failed': { target: 'notDecided', actions: 'keepReason' },
      },
    },
    pricing: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: 'set_price',
          tool: 'pricing.set_price',
          input: { productId: context.decision?.productId ?? '', priceMinor: context.decision?.priceMinor ?? 0, decisionId: context.decision?.decisionId ?? '' },
        }),
      },
      on: {
        // At A0 a person sets the price by hand: the draft they complete carries no price from the tool.
        'tool.done': [{ guard: 'setByTool', target: 'priced' }, { target: 'handedOver' }],
        // A deny (margin floor, chance constraint, kill switch), a rejected approval or a discarded draft.
        'tool.failed': { target: 'notPriced', actions: 'keepReason' },
      },
    },
    priced: { type: 'final', entry: assign({ outcome: 'priced' as const }) },
    handedOver: { type: 'final', entry: assign({ outcome: 'handed_over' as const }) },
    notPriced: { type: 'final', entry: assign({ outcome: 'not_priced' as const }) },
    frozen: { type: 'final', entry: assign({ outcome: 'frozen' as const }) },
    nothingToPrice: { type: 'final', entry: assign({ outcome: 'nothing_to_price' as const }) },
    notDecided: { type: 'final', entry: assign({ outcome: 'not_decided' as const }) },
  },
  output: ({ context }) => ({
    outcome: context.outcome,
    hour: context.hour,
    settled: context.settled,
    decisionId: context.decision?.decisionId ?? null,
    arm: context.decision?.arm ?? null,
    sku: context.decision?.sku ?? null,
    previousPriceMinor: context.decision?.previousPriceMinor ?? null,
    priceMinor: context.decision?.priceMinor ?? null,
    reason: context.reason,
  }),
});

export const pricingOptimizationWorkflow = defineWorkflow({
  id: pricingWorkflowId,
  version: 1,
  name: 'Pricing optimisation',
  description: "Hourly on the shop's clock: learn from realised revenue, decide a price change (bandit, twin forecast), set it within the margin-floor and chance-constrained policies",
  triggers: [],
  schedule: { everyMs: hourMs },
  tools: ['pricing.settle_outcomes', 'pricing.decide', 'pricing.set_price'],
  defaultAutonomy: 'a2_supervised',
  machine,
});
