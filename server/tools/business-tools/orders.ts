import { z } from 'zod';
import { blockableOrderStatuses, blockOrder, findOrder, orderStatuses, releaseOrder, type OrderRow } from '../../../db/queries/orders.js';
import { defineTool, type ToolReadContext } from '../tool-implementation.js';
import { businessToolDefaults, nowOf, refuse, uuidField } from './tool-defaults.js';

const orderOutput = z.object({
  orderId: uuidField,
  previousStatus: z.enum(orderStatuses),
  status: z.enum(orderStatuses),
});

const blockInput = z.object({ orderId: uuidField, reason: z.string().trim().min(1).max(500) });
const releaseInput = z.object({ orderId: uuidField });

const find = (context: ToolReadContext, orderId: string) => findOrder(context.db, { orgUnitId: context.orgUnitId, id: orderId });

const isBlockable = (status: OrderRow['status']): boolean => (blockableOrderStatuses as readonly string[]).includes(status);

function blockProblem(order: OrderRow | null, orderId: string): string | undefined {
  if (order === null) return `order ${orderId} does not exist in this org unit`;
  if (!isBlockable(order.status)) return `order ${orderId} is ${order.status}; only placed or released orders can be blocked`;
  return undefined;
}

function releaseProblem(order: OrderRow | null, orderId: string): string | undefined {
  if (order === null) return `order ${orderId} does not exist in this org unit`;
  if (order.status !== 'blocked') return `order ${orderId} is ${order.status}; only blocked orders can be released`;
  return undefined;
}

/** What a policy may weigh about the order (e.g. approval for releasing a large one). */
async function orderFacts(context: ToolReadContext, orderId: string) {
  const order = await find(context, orderId);
  return order === null ? {} : { orderStatus: order.status, totalMinor: order.total_minor, currency: order.currency };
}

/** Low risk: blocking holds an order back and can be undone; the fraud workflow must be able to do it promptly. */
export const blockOrderTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'orders.block',
    description: 'Holds a placed or released order back from fulfilment, with the reason.',
    input: blockInput,
    output: orderOutput,
    effect: 'write',
    risk: 'low',
  },
  async precondition(context, input) {
    return blockProblem(await find(context, input.orderId), input.orderId);
  },
  facts: (context, input) => orderFacts(context, input.orderId),
  async execute(context, input) {
    const blocked = await blockOrder(context.db, { orgUnitId: context.orgUnitId, id: input.orderId, reason: input.reason, at: nowOf(context.clock) });
    if (blocked === null) throw refuse(blockProblem(await find(context, input.orderId), input.orderId) ?? `order ${input.orderId} could not be blocked`);
    return { orderId: blocked.id, previousStatus: blocked.previous_status, status: blocked.status };
  },
});

/** Medium risk: releasing lets an order that was held as suspect go on to be shipped. */
export const releaseOrderTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'orders.release',
    description: 'Lets a blocked order go on to fulfilment.',
    input: releaseInput,
    output: orderOutput,
    effect: 'write',
    risk: 'medium',
  },
  async precondition(context, input) {
    return releaseProblem(await find(context, input.orderId), input.orderId);
  },
  facts: (context, input) => orderFacts(context, input.orderId),
  async execute(context, input) {
    const released = await releaseOrder(context.db, { orgUnitId: context.orgUnitId, id: input.orderId, at: nowOf(context.clock) });
    if (released === null) throw refuse(releaseProblem(await find(context, input.orderId), input.orderId) ?? `order ${input.orderId} could not be released`);
    return { orderId: released.id, previousStatus: 'blocked' as const, status: released.status };
  },
});
