import { z } from 'zod';
import { contentKinds, contentStatuses, findContentItem, insertContentDraft, publishContentDraft, type ContentItemRow } from '../../../db/queries/content-items.js';
import { findProduct } from '../../../db/queries/products.js';
import { findStream } from '../../../db/queries/streams.js';
import { defineTool, type ToolReadContext } from '../tool-implementation.js';
import { businessToolDefaults, nowOf, refuse, uuidField } from './tool-defaults.js';

const createDraftInput = z
  .object({
    kind: z.enum(contentKinds),
    title: z.string().trim().min(1).max(300),
    body: z.string().trim().min(1).max(20_000),
    productId: uuidField.optional(),
    streamId: uuidField.optional(),
    qualityScore: z.number().min(0).max(1).optional(),
  })
  // A teaser is about a stream, a description or a script about a product: without it the text has no subject.
  .superRefine((input, context) => {
    if (input.kind === 'stream_teaser' && input.streamId === undefined) {
      context.addIssue({ code: 'custom', path: ['streamId'], message: 'a stream_teaser needs the streamId it promotes' });
    }
    if ((input.kind === 'product_description' || input.kind === 'stream_script') && input.productId === undefined) {
      context.addIssue({ code: 'custom', path: ['productId'], message: `a ${input.kind} needs the productId it is about` });
    }
  });
type CreateDraftInput = z.infer<typeof createDraftInput>;

const contentOutput = z.object({ contentId: uuidField, status: z.enum(contentStatuses) });

async function subjectProblem(context: ToolReadContext, input: CreateDraftInput): Promise<string | undefined> {
  const { orgUnitId } = context;
  if (input.productId !== undefined && (await findProduct(context.db, { orgUnitId, id: input.productId })) === null) {
    return `product ${input.productId} does not exist in this org unit`;
  }
  if (input.streamId !== undefined && (await findStream(context.db, { orgUnitId, id: input.streamId })) === null) {
    return `stream ${input.streamId} does not exist in this org unit`;
  }
  return undefined;
}

function publishProblem(item: ContentItemRow | null, contentId: string): string | undefined {
  if (item === null) return `content ${contentId} does not exist in this org unit`;
  if (item.status !== 'draft') return `content ${contentId} is ${item.status}; only drafts can be published`;
  return undefined;
}

export const createContentDraftTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'content.create_draft',
    description: 'Saves a piece of content as a draft (nothing leaves the system).',
    input: createDraftInput,
    output: contentOutput,
    effect: 'write',
    risk: 'low',
  },
  precondition: subjectProblem,
  async execute(context, input) {
    const draft = await insertContentDraft(context.db, {
      orgUnitId: context.orgUnitId,
      kind: input.kind,
      title: input.title,
      body: input.body,
      productId: input.productId ?? null,
      streamId: input.streamId ?? null,
      qualityScore: input.qualityScore ?? null,
      by: context.actor.id,
      at: nowOf(context.clock),
    });
    return { contentId: draft.id, status: draft.status };
  },
});

/** external: publishing puts the text in front of the public, which cannot be taken back. */
export const publishContentTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'content.publish',
    description: 'Publishes a draft.',
    input: z.object({ contentId: uuidField }),
    output: contentOutput,
    effect: 'external',
    risk: 'medium',
  },
  async precondition(context, input) {
    return publishProblem(await findContentItem(context.db, { orgUnitId: context.orgUnitId, id: input.contentId }), input.contentId);
  },
  async facts(context, input) {
    const item = await findContentItem(context.db, { orgUnitId: context.orgUnitId, id: input.contentId });
    // A policy can hold back low-scoring text; an unscored item leaves the field out (fail closed).
    return item === null ? {} : { kind: item.kind, ...(item.quality_score === null ? {} : { qualityScore: item.quality_score }) };
  },
  async execute(context, input) {
    const { orgUnitId } = context;
    const published = await publishContentDraft(context.db, { orgUnitId, id: input.contentId, by: context.actor.id, at: nowOf(context.clock) });
    if (published === null) {
      const problem = publishProblem(await findContentItem(context.db, { orgUnitId, id: input.contentId }), input.contentId);
      throw refuse(problem ?? `content ${input.contentId} could not be published`);
    }
    return { contentId: published.id, status: published.status };
  },
});
