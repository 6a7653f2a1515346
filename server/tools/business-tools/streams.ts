import { z } from 'zod';
import { findCreator, lockCreator, type CreatorRow } from '../../../db/queries/creators.js';
import { findProductStatuses } from '../../../db/queries/products.js';
import { assignStreamCreator, findOverlappingStream, findStream, insertScheduledStream, streamStatuses } from '../../../db/queries/streams.js';
import { defineTool, type ToolReadContext } from '../tool-implementation.js';
import { businessToolDefaults, isoTimestamp, refuse, uuidField } from './tool-defaults.js';

const maxStreamMs = 24 * 60 * 60 * 1000;

const scheduleInput = z
  .object({
    creatorId: uuidField,
    title: z.string().trim().min(1).max(300),
    scheduledStart: isoTimestamp,
    scheduledEnd: isoTimestamp,
    productIds: z.array(uuidField).max(50),
  })
  // Properties of the input alone are checked here; what live state allows is the precondition's.
  .superRefine((input, context) => {
    const length = Date.parse(input.scheduledEnd) - Date.parse(input.scheduledStart);
    if (!(length > 0)) context.addIssue({ code: 'custom', path: ['scheduledEnd'], message: 'scheduledEnd must be after scheduledStart' });
    else if (length > maxStreamMs) context.addIssue({ code: 'custom', path: ['scheduledEnd'], message: 'a stream lasts at most 24 hours' });
    if (new Set(input.productIds).size !== input.productIds.length) {
      context.addIssue({ code: 'custom', path: ['productIds'], message: 'productIds lists a product twice' });
    }
  });
type ScheduleInput = z.infer<typeof scheduleInput>;

const assignInput = z.object({ streamId: uuidField, creatorId: uuidField });
type AssignInput = z.infer<typeof assignInput>;

function creatorProblem(creator: CreatorRow | null, creatorId: string): string | undefined {
  if (creator === null) return `creator ${creatorId} does not exist in this org unit`;
  if (creator.status !== 'active') return `creator ${creatorId} is ${creator.status}; only active creators can stream`;
  return undefined;
}

async function overlapProblem(
  context: ToolReadContext,
  args: { creatorId: string; start: Date; end: Date; exceptStreamId?: string },
): Promise<string | undefined> {
  const clash = await findOverlappingStream(context.db, { orgUnitId: context.orgUnitId, ...args });
  if (clash === null) return undefined;
  return `creator ${args.creatorId} already has stream ${clash.id} from ${clash.scheduled_start.toISOString()} to ${clash.scheduled_end.toISOString()}`;
}

async function productsProblem(context: ToolReadContext, productIds: readonly string[]): Promise<string | undefined> {
  if (productIds.length === 0) return undefined;
  const found = new Map((await findProductStatuses(context.db, { orgUnitId: context.orgUnitId, ids: productIds })).map((p) => [p.id, p.status]));
  for (const id of productIds) {
    const status = found.get(id);
    if (status === undefined) return `product ${id} does not exist in this org unit`;
    if (status !== 'active') return `product ${id} is ${status}; only active products can be sold on a stream`;
  }
  return undefined;
}

async function scheduleProblem(context: ToolReadContext, input: ScheduleInput, creator: CreatorRow | null): Promise<string | undefined> {
  const start = new Date(input.scheduledStart);
  const end = new Date(input.scheduledEnd);
  if (start.getTime() <= context.clock.now()) return `scheduledStart ${input.scheduledStart} is not in the future`;
  return (
    creatorProblem(creator, input.creatorId) ??
    (await productsProblem(context, input.productIds)) ??
    (await overlapProblem(context, { creatorId: input.creatorId, start, end }))
  );
}

export const scheduleStreamTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'streams.schedule',
    description: 'Schedules a live stream for an active creator, with the products it sells.',
    input: scheduleInput,
    output: z.object({ streamId: uuidField, creatorId: uuidField, status: z.enum(streamStatuses) }),
    effect: 'write',
    risk: 'medium',
  },
  async precondition(context, input) {
    return scheduleProblem(context, input, await findCreator(context.db, { orgUnitId: context.orgUnitId, id: input.creatorId }));
  },
  async execute(context, input) {
    const { orgUnitId } = context;
    // Holding the creator's row makes the overlap check and the insert one step per creator.
    const creator = await lockCreator(context.db, { orgUnitId, id: input.creatorId });
    const problem = await scheduleProblem(context, input, creator);
    if (problem !== undefined) throw refuse(problem);
    const stream = await insertScheduledStream(context.db, {
      orgUnitId,
      creatorId: input.creatorId,
      title: input.title,
      start: new Date(input.scheduledStart),
      end: new Date(input.scheduledEnd),
      productIds: input.productIds,
    });
    return { streamId: stream.id, creatorId: stream.creator_id, status: stream.status };
  },
});

async function assignProblem(context: ToolReadContext, input: AssignInput, creator: CreatorRow | null): Promise<string | undefined> {
  const stream = await findStream(context.db, { orgUnitId: context.orgUnitId, id: input.streamId });
  if (stream === null) return `stream ${input.streamId} does not exist in this org unit`;
  if (stream.status !== 'scheduled') return `stream ${input.streamId} is ${stream.status}; only scheduled streams can change creator`;
  if (stream.creator_id === input.creatorId) return `stream ${input.streamId} already belongs to creator ${input.creatorId}`;
  return (
    creatorProblem(creator, input.creatorId) ??
    (await overlapProblem(context, { creatorId: input.creatorId, start: stream.scheduled_start, end: stream.scheduled_end, exceptStreamId: stream.id }))
  );
}

export const assignStreamCreatorTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'streams.assign_creator',
    description: 'Gives a scheduled stream to another active creator who is free at that time.',
    input: assignInput,
    output: z.object({ streamId: uuidField, previousCreatorId: uuidField, creatorId: uuidField }),
    effect: 'write',
    risk: 'medium',
  },
  async precondition(context, input) {
    return assignProblem(context, input, await findCreator(context.db, { orgUnitId: context.orgUnitId, id: input.creatorId }));
  },
  async execute(context, input) {
    const { orgUnitId } = context;
    const creator = await lockCreator(context.db, { orgUnitId, id: input.creatorId });
    const problem = await assignProblem(context, input, creator);
    if (problem !== undefined) throw refuse(problem);
    const assigned = await assignStreamCreator(context.db, { orgUnitId, id: input.streamId, creatorId: input.creatorId });
    if (assigned === null) throw refuse(`stream ${input.streamId} is no longer scheduled`);
    return { streamId: assigned.id, previousCreatorId: assigned.previous_creator_id, creatorId: assigned.creator_id };
  },
});
