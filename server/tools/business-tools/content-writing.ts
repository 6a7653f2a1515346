import { z } from 'zod';
import { findProductBySku, type ProductSubjectRow } from '../../../db/queries/product-subjects.js';
import { contentChannels, type ContentChannel, type ContentGenerator, type ContentSubject } from '../../../engine/content/index.js';
import { scoreContent } from '../../../engine/evaluator/index.js';
import { contentWorkflowId } from '../../../machines/workflows/content-generation.js';
import type { EvaluatorService } from '../../evaluator/evaluator-service.js';
import { defineTool, type ToolImplementation, type ToolReadContext } from '../tool-implementation.js';
import { businessToolDefaults, refuse } from './tool-defaults.js';

/** The series content scores feed: the evaluator watches it for regressions of the workflow. */
export const contentQualitySeries = { subject: 'workflow', id: contentWorkflowId, metric: 'content_quality' } as const;

const skuField = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'sku must be 1–64 letters, digits, - or _');
const attemptField = z.number().int().min(1).max(10);

const factsSchema = z.object({
  brand: z.string().min(1),
  material: z.string().min(1),
  color: z.string(),
  size: z.string(),
  origin: z.string(),
  highlights: z.array(z.string()),
});

const channelTitles: Readonly<Record<ContentChannel, string>> = { stream_script: 'Stream script', product_page: 'Product page', social_post: 'Social post' };

/** The product a text is about, with the facts it must carry; undefined with the reason when there is none to write from. */
function subjectOf(product: ProductSubjectRow | null, sku: string): { subject: ContentSubject; product: ProductSubjectRow } | string {
  if (product === null) return `product ${sku} does not exist in this org unit`;
  if (product.status === 'retired') return `product ${sku} is retired; there is nothing to write about it`;
  const facts = factsSchema.safeParse(product.facts);
  if (!facts.success) return `product ${sku} has no facts to write from (${facts.error.issues.map((issue) => issue.path.join('.') || 'facts').join(', ')} missing)`;
  return { subject: { name: product.name, facts: facts.data }, product };
}

async function subjectFor(context: ToolReadContext, sku: string) {
  return subjectOf(await findProductBySku(context.db, { orgUnitId: context.orgUnitId, sku }), sku);
}

async function subjectProblem(context: ToolReadContext, input: { sku: string }): Promise<string | undefined> {
  const found = await subjectFor(context, input.sku);
  return typeof found === 'string' ? found : undefined;
}

/**
 * Both tools are reads to the autonomy gate: they write nothing the business runs on (the
 * text comes back to the workflow; saving and publishing are content.create_draft and
 * content.publish), so every level runs them. Keyed, not transactional: a provider call
 * must not hold the router's transaction open, and a repeat after a crash only writes the
 * same text again (the offline generator is deterministic per request).
 */
const writingDefaults = { ...businessToolDefaults, effect: 'read', risk: 'low', idempotency: 'keyed' } as const;

export function createGenerateContentTool(generator: ContentGenerator) {
  return defineTool({
    spec: {
      ...writingDefaults,
      name: 'content.generate',
      description: 'Writes a text about a product for a channel; a later attempt gets the evaluator’s reasons as feedback.',
      input: z.object({
        sku: skuField,
        channel: z.enum(contentChannels),
        brief: z.string().max(2_000).default(''),
        attempt: attemptField,
        feedback: z.array(z.string().max(1_000)).max(20).default([]),
      }),
      output: z.object({ text: z.string().min(1), title: z.string().min(1).max(300), productId: z.string().uuid(), provider: z.string(), model: z.string() }),
      // A provider's answer can take a while; the generator has its own timeout below this.
      timeoutMs: 60_000,
    },
    precondition: (context, input) => subjectProblem(context, input),
    async execute(context, input) {
      const found = await subjectFor(context, input.sku);
      if (typeof found === 'string') throw refuse(found);
      const written = await generator.generate(
        { sku: input.sku, channel: input.channel, brief: input.brief, product: found.subject, attempt: input.attempt, feedback: input.feedback },
        { signal: context.signal },
      );
      const title = `${channelTitles[input.channel]}: ${found.product.name}`.slice(0, 300);
      return { text: written.text, title, productId: found.product.id, provider: written.provider, model: written.model };
    },
  });
}

const criterionOutput = z.object({ name: z.string(), score: z.number(), weight: z.number(), reasons: z.array(z.string()) });

export function createEvaluateContentTool(evaluator: Pick<EvaluatorService, 'recordOutcome'>) {
  return defineTool({
    spec: {
      ...writingDefaults,
      name: 'content.evaluate',
      description: 'Scores a text with the evaluator (required facts, banned claims, length, readability) and records the score.',
      input: z.object({ sku: skuField, channel: z.enum(contentChannels), text: z.string().trim().min(1).max(20_000), attempt: attemptField }),
      output: z.object({ total: z.number(), passed: z.boolean(), threshold: z.number(), failures: z.array(z.string()), criteria: z.array(criterionOutput) }),
    },
    precondition: (context, input) => subjectProblem(context, input),
    async execute(context, input) {
      const found = await subjectFor(context, input.sku);
      if (typeof found === 'string') throw refuse(found);
      const score = scoreContent(input.text, { product: found.subject, channel: input.channel });
      // Keyed by the call, so a repeated step counts once in the regression detector.
      await evaluator.recordOutcome(context.orgUnitId, contentQualitySeries, score.total, { key: `content-score:${context.idempotencyKey}` });
      return { total: score.total, passed: score.passed, threshold: score.threshold, failures: [...score.failures], criteria: score.criteria.map((c) => ({ ...c, reasons: [...c.reasons] })) };
    },
  });
}

export function contentWritingTools(deps: { generator: ContentGenerator; evaluator: Pick<EvaluatorService, 'recordOutcome'> }): readonly ToolImplementation[] {
  return [createGenerateContentTool(deps.generator), createEvaluateContentTool(deps.evaluator)] as readonly ToolImplementation[];
}
