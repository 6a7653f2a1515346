import { assign, setup } from 'xstate';
import { z } from 'zod';
import { contentChannels, type ContentChannel } from '../../engine/content/index.js';
import { defineWorkflow, type RunEvent, type StartInput } from '../../engine/workflows/index.js';
import { workflowEffects } from '../workflow-effects.js';

/**
 * wf_content_generation, on content.requested: write the text, have the evaluator score it,
 * write it again with the evaluator's reasons while it fails (three tries in all), then save
 * and publish it — or, when no try passes, hand it to a person through an incident. Each
 * step is a tool the runtime calls through the router, so autonomy gates the saving (A0
 * drafts) and the publishing (A1 approval) like any other side effect.
 */
export const contentWorkflowId = 'wf_content_generation';
export const maxContentAttempts = 3;

/** Where each channel's text is stored (content_items.kind). */
const kindOfChannel: Readonly<Record<ContentChannel, string>> = {
  stream_script: 'stream_script',
  product_page: 'product_description',
  social_post: 'social_post',
};

const requestSchema = z.object({
  sku: z.string().min(1).max(64),
  channel: z.enum(contentChannels),
  brief: z.string().max(2_000).default(''),
});
type ContentRequest = z.infer<typeof requestSchema>;

const writtenSchema = z.object({ text: z.string(), title: z.string(), productId: z.string() });
const scoreSchema = z.object({ total: z.number(), passed: z.boolean(), failures: z.array(z.string()) });
const savedSchema = z.object({ contentId: z.string() });
const escalatedSchema = z.object({ incidentId: z.string() });

type Try = Readonly<{ attempt: number; score: number | null; failures: readonly string[] }>;

type Context = {
  request: ContentRequest | null;
  attempt: number;
  written: z.infer<typeof writtenSchema> | null;
  score: number | null;
  /** The evaluator's reasons (or the generator's error) from the last try: what the next one must fix. */
  feedback: string[];
  tries: Try[];
  contentId: string | null;
  incidentId: string | null;
  /** Why the run ended without publishing, when it did. */
  reason: string | null;
  outcome: ContentOutcome | null;
};

/** How a run ended: the name of its final state. */
export type ContentOutcome = 'published' | 'handed_over' | 'escalated' | 'not_published' | 'rejected';

const done = (event: RunEvent) => (event.type === 'tool.done' ? event.output : undefined);
const failure = (event: RunEvent) => (event.type === 'tool.failed' ? `${event.code}: ${event.message}` : 'the step did not succeed');
const request = (context: Context): ContentRequest => context.request as ContentRequest;

/** A step's output as the next step needs it; a shape it does not have is a failed step. */
function parsed<T>(schema: z.ZodType<T>, event: RunEvent): T | undefined {
  const result = schema.safeParse(done(event));
  return result.success ? result.data : undefined;
}

const machine = setup({
  types: { context: {} as Context, input: {} as StartInput, events: {} as RunEvent },
  actions: {
    ...workflowEffects,
    keepWritten: assign({ written: ({ event }) => parsed(writtenSchema, event) ?? null }),
    /** A try that failed: its reasons become the next try's feedback. */
    recordFailedTry: assign(({ context, event }) => {
      const score = parsed(scoreSchema, event);
      const reasons = score ? score.failures : [failure(event)];
      return {
        feedback: reasons,
        score: score?.total ?? null,
        tries: [...context.tries, { attempt: context.attempt, score: score?.total ?? null, failures: reasons }],
        attempt: context.attempt + 1,
      };
    }),
    recordPassedTry: assign(({ context, event }) => {
      const score = parsed(scoreSchema, event);
      return { score: score?.total ?? null, tries: [...context.tries, { attempt: context.attempt, score: score?.total ?? null, failures: [] }] };
    }),
    keepContentId: assign({ contentId: ({ event }) => parsed(savedSchema, event)?.contentId ?? null }),
    keepIncident: assign({ incidentId: ({ event }) => parsed(escalatedSchema, event)?.incidentId ?? null }),
    keepReason: assign({ reason: ({ event }) => failure(event) }),
  },
  guards: {
    requestValid: ({ context }) => context.request !== null,
    written: ({ event }) => parsed(writtenSchema, event) !== undefined,
    passed: ({ event }) => parsed(scoreSchema, event)?.passed === true,
    saved: ({ event }) => parsed(savedSchema, event) !== undefined,
  },
}).createMachine({
  id: contentWorkflowId,
  context: ({ input }) => {
    const checked = requestSchema.safeParse(input.trigger.payload);
    return {
      request: checked.success ? checked.data : null,
      attempt: 1,
      written: null,
      score: null,
      feedback: [],
      tries: [],
      contentId: null,
      incidentId: null,
      outcome: null,
      reason: checked.success ? null : `the request is not valid: ${checked.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'} ${issue.message}`).join('; ')}`,
    };
  },
  initial: 'checking',
  states: {
    checking: { always: [{ guard: 'requestValid', target: 'generating' }, { target: 'rejected' }] },
    generating: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: `generate_${context.attempt}`,
          tool: 'content.generate',
          input: { ...request(context), attempt: context.attempt, feedback: context.feedback },
        }),
      },
      on: {
        'tool.done': [{ guard: 'written', target: 'evaluating', actions: 'keepWritten' }, { target: 'retryOrEscalate', actions: 'recordFailedTry' }],
        'tool.failed': { target: 'retryOrEscalate', actions: 'recordFailedTry' },
      },
    },
    evaluating: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: `evaluate_${context.attempt}`,
          tool: 'content.evaluate',
          input: { sku: request(context).sku, channel: request(context).channel, text: context.written?.text ?? '', attempt: context.attempt },
        }),
      },
      on: {
        'tool.done': [{ guard: 'passed', target: 'saving', actions: 'recordPassedTry' }, { target: 'retryOrEscalate', actions: 'recordFailedTry' }],
        'tool.failed': { target: 'retryOrEscalate', actions: 'recordFailedTry' },
      },
    },
    // `attempt` has moved on to the next try here.
    retryOrEscalate: { always: [{ guard: ({ context }) => context.attempt <= maxContentAttempts, target: 'generating' }, { target: 'escalating' }] },
    saving: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: 'save_draft',
          tool: 'content.create_draft',
          input: {
            kind: kindOfChannel[request(context).channel],
            title: context.written?.title ?? request(context).sku,
            body: context.written?.text ?? '',
            productId: context.written?.productId ?? '',
            ...(context.score === null ? {} : { qualityScore: context.score }),
          },
        }),
      },
      on: {
        // At A0 a person saves the text by hand: the draft they complete has no content id to publish.
        'tool.done': [{ guard: 'saved', target: 'publishing', actions: 'keepContentId' }, { target: 'handedOver' }],
        'tool.failed': { target: 'notPublished', actions: 'keepReason' },
      },
    },
    publishing: {
      entry: { type: 'tool', params: ({ context }) => ({ step: 'publish', tool: 'content.publish', input: { contentId: context.contentId ?? '' } }) },
      on: {
        'tool.done': { target: 'published' },
        'tool.failed': { target: 'notPublished', actions: 'keepReason' },
      },
    },
    escalating: {
      entry: {
        type: 'tool',
        params: ({ context }) => ({
          step: 'escalate',
          tool: 'content.escalate',
          input: {
            sku: request(context).sku,
            channel: request(context).channel,
            attempts: context.tries.length,
            failures: context.tries.flatMap((attempt) => attempt.failures.map((reason) => `try ${attempt.attempt}: ${reason}`)).slice(0, 20),
            ...(context.written ? { lastText: context.written.text } : {}),
          },
        }),
      },
      on: {
        'tool.done': { target: 'escalated', actions: 'keepIncident' },
        'tool.failed': { target: 'notPublished', actions: 'keepReason' },
      },
    },
    published: { type: 'final', entry: assign({ outcome: 'published' as const }) },
    handedOver: { type: 'final', entry: assign({ outcome: 'handed_over' as const }) },
    escalated: { type: 'final', entry: assign({ outcome: 'escalated' as const }) },
    notPublished: { type: 'final', entry: assign({ outcome: 'not_published' as const }) },
    rejected: { type: 'final', entry: assign({ outcome: 'rejected' as const }) },
  },
  output: ({ context }) => ({
    outcome: context.outcome,
    attempts: context.tries.length,
    score: context.score,
    contentId: context.contentId,
    incidentId: context.incidentId,
    reason: context.reason,
  }),
});

export const contentGenerationWorkflow = defineWorkflow({
  id: contentWorkflowId,
  version: 1,
  name: 'Content generation',
  description: 'On content.requested: write, score with the evaluator, rewrite below the pass threshold (3 tries), then publish or escalate to a person',
  triggers: ['content.requested'],
  tools: ['content.generate', 'content.evaluate', 'content.create_draft', 'content.publish', 'content.escalate'],
  defaultAutonomy: 'a2_supervised',
  machine,
});
