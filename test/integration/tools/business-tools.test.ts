import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAdBudget } from '../../../db/queries/ad-budgets.js';
import { findContentItem } from '../../../db/queries/content-items.js';
import { findOrder } from '../../../db/queries/orders.js';
import { findProduct } from '../../../db/queries/products.js';
import { findStream } from '../../../db/queries/streams.js';
import { builtinPolicies, compilePolicy, evaluatePolicies } from '../../../engine/governance/index.js';
import { AppError } from '../../../server/errors/catalog.js';
import {
  assignStreamCreatorTool,
  blockOrderTool,
  businessTools,
  createContentDraftTool,
  publishContentTool,
  releaseOrderTool,
  scheduleStreamTool,
  setAdBudgetTool,
  setPriceTool,
} from '../../../server/tools/business-tools/index.js';
import { createToolsFixture, hoursFromStart, operator, orgA, orgB, rejectedPaths, startMs, type ToolsFixture } from './business-tools-fixture.js';

let f: ToolsFixture;
beforeAll(async () => {
  f = await createToolsFixture();
});
afterAll(async () => {
  await f.db.close();
});

/** The refusal an execute throws when live state forbids it (the router's race guard). */
async function conflict(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFLICT') return error.message;
    throw error;
  }
  throw new Error('expected the tool to refuse');
}

const product = async (id: string, orgUnitId = orgA) => findProduct(f.db.pool, { orgUnitId, id });

describe('the business tool set', () => {
  it('names each tool once, writes only our database, and never lets a viewer in', () => {
    const names = businessTools.map((tool) => tool.spec.name);
    expect(names).toEqual([
      'pricing.set_price', 'ads.set_budget', 'orders.block', 'orders.release',
      'content.create_draft', 'content.publish', 'streams.schedule', 'streams.assign_creator',
      'fraud.score_order', 'fraud.report_blocked_order', 'fraud.learn_chargeback', 'fraud.review_order',
      'creator_payouts.assess', 'creator_payouts.report_blocked',
    ]);
    for (const { spec } of businessTools) {
      expect(spec.idempotency).toBe('transactional');
      expect(spec.allowedRoles).not.toContain('viewer');
      expect(spec.retry.maxAttempts).toBe(3);
      expect(spec.effect).not.toBe('read');
    }
  });
});

describe('pricing.set_price', () => {
  it('sets the price a user then reads, and reports the one it replaced', async () => {
    const id = await f.productId('MUG');
    f.clock.set(startMs + 1_000);
    const output = await f.execute(setPriceTool, { productId: id, priceMinor: 1500 });
    expect(output).toEqual({ productId: id, previousPriceMinor: 1200, priceMinor: 1500 });
    const row = await product(id);
    expect(row?.price_minor).toBe(1500);
    expect(row?.updated_at.getTime()).toBe(startMs + 1_000);
  });

  it('gives the margin the new price leaves, exactly 0.15 on the floor, which the built-in policy allows', async () => {
    const id = await f.productId('LAMP'); // cost 1700
    const onFloor = await f.facts(setPriceTool, { productId: id, priceMinor: 2000 });
    expect(onFloor).toMatchObject({ currentPriceMinor: 2500, priceMinor: 2000, unitCostMinor: 1700, currency: 'USD' });
    expect(onFloor.marginPercent).toBe(0.15);
    expect(onFloor.previousMarginPercent).toBe(0.32);
    expect(onFloor.changePercent).toBe(-0.2);

    const source = builtinPolicies.find((p) => p.name === 'margin_floor')?.source ?? '';
    const policies = [compilePolicy(source, { version: 1 })];
    const verdict = (marginPercent: unknown) =>
      evaluatePolicies(policies, {
        orgUnitId: orgA, actor: operator, tool: 'pricing.set_price', input: {}, context: {},
        projected: { marginPercent: marginPercent as number }, autonomous: true,
      }).outcome;
    expect(verdict(onFloor.marginPercent)).toBe('allow');
    const belowFloor = await f.facts(setPriceTool, { productId: id, priceMinor: 1999 });
    expect(belowFloor.marginPercent).toBeLessThan(0.15);
    expect(verdict(belowFloor.marginPercent)).toBe('deny');
  });

  it('simulates the margin before and after without changing the price', async () => {
    const id = await f.productId('LAMP');
    const simulated = await f.simulate(setPriceTool, { productId: id, priceMinor: 3400 });
    expect(simulated).toMatchObject({ previousPriceMinor: 2500, priceMinor: 3400, marginPercentBefore: 0.32, marginPercentAfter: 0.5 });
    expect((await product(id))?.price_minor).toBe(2500);
  });

  it('refuses a retired or unknown product by name and changes nothing', async () => {
    const retired = await f.productId('OLD');
    expect(await f.precondition(setPriceTool, { productId: retired, priceMinor: 1000 })).toBe(
      `product ${retired} is retired; only active products can be repriced`,
    );
    expect(await conflict(() => f.execute(setPriceTool, { productId: retired, priceMinor: 1000 }))).toMatch(/is retired/);
    expect((await product(retired))?.price_minor).toBe(900);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await f.precondition(setPriceTool, { productId: unknown, priceMinor: 1000 })).toBe(`product ${unknown} does not exist in this org unit`);
  });

  it('rejects a price that is not a positive whole number of minor units, naming the field', () => {
    expect(rejectedPaths(setPriceTool, { productId: '00000000-0000-4000-8000-000000000000', priceMinor: 19.99 })).toEqual(['priceMinor']);
    expect(rejectedPaths(setPriceTool, { productId: '00000000-0000-4000-8000-000000000000', priceMinor: 0 })).toEqual(['priceMinor']);
    expect(rejectedPaths(setPriceTool, { productId: 'lamp', priceMinor: 100 })).toEqual(['productId']);
  });
});

describe('ads.set_budget', () => {
  it('creates then changes a channel budget, with the previous one and the change as facts', async () => {
    const first = await f.facts(setAdBudgetTool, { channel: 'tiktok', dailyBudgetMinor: 10_000, currency: 'USD' });
    expect(first).toEqual({ channel: 'tiktok', currency: 'USD', dailyBudgetMinor: 10_000, hadBudget: false, previousDailyBudgetMinor: 0 });
    expect(await f.execute(setAdBudgetTool, { channel: 'tiktok', dailyBudgetMinor: 10_000, currency: 'USD' })).toEqual({
      channel: 'tiktok', previousDailyBudgetMinor: null, dailyBudgetMinor: 10_000, currency: 'USD',
    });

    const raise = await f.facts(setAdBudgetTool, { channel: 'tiktok', dailyBudgetMinor: 15_000, currency: 'USD' });
    expect(raise).toMatchObject({ hadBudget: true, previousDailyBudgetMinor: 10_000, changePercent: 0.5 });
    await f.execute(setAdBudgetTool, { channel: 'tiktok', dailyBudgetMinor: 15_000, currency: 'USD' });
    const row = await findAdBudget(f.db.pool, { orgUnitId: orgA, channel: 'tiktok' });
    expect(row).toMatchObject({ daily_budget_minor: 15_000, currency: 'USD', updated_by: operator.id });
  });

  it('refuses a budget in another currency than the channel is kept in', async () => {
    await f.execute(setAdBudgetTool, { channel: 'meta', dailyBudgetMinor: 5_000, currency: 'USD' });
    expect(await f.precondition(setAdBudgetTool, { channel: 'meta', dailyBudgetMinor: 5_000, currency: 'EUR' })).toBe(
      'the meta budget is kept in USD, not EUR; set it in USD',
    );
    expect(await conflict(() => f.execute(setAdBudgetTool, { channel: 'meta', dailyBudgetMinor: 9_000, currency: 'EUR' }))).toMatch(/kept in USD/);
    expect((await findAdBudget(f.db.pool, { orgUnitId: orgA, channel: 'meta' }))?.daily_budget_minor).toBe(5_000);
  });

  it('rejects an unknown channel, a negative or fractional budget and a bad currency, naming the field', () => {
    expect(rejectedPaths(setAdBudgetTool, { channel: 'myspace', dailyBudgetMinor: 1, currency: 'USD' })).toEqual(['channel']);
    expect(rejectedPaths(setAdBudgetTool, { channel: 'meta', dailyBudgetMinor: -1, currency: 'USD' })).toEqual(['dailyBudgetMinor']);
    expect(rejectedPaths(setAdBudgetTool, { channel: 'meta', dailyBudgetMinor: 10.5, currency: 'USD' })).toEqual(['dailyBudgetMinor']);
    expect(rejectedPaths(setAdBudgetTool, { channel: 'meta', dailyBudgetMinor: 1, currency: 'usd' })).toEqual(['currency']);
  });
});

describe('orders.block and orders.release', () => {
  it('blocks a placed order with its reason and releases it again', async () => {
    const id = await f.insertOrder('placed');
    expect(await f.execute(blockOrderTool, { orderId: id, reason: 'card used from three countries' })).toEqual({
      orderId: id, previousStatus: 'placed', status: 'blocked',
    });
    expect(await findOrder(f.db.pool, { orgUnitId: orgA, id })).toMatchObject({ status: 'blocked', blocked_reason: 'card used from three countries' });

    expect(await f.execute(releaseOrderTool, { orderId: id })).toEqual({ orderId: id, previousStatus: 'blocked', status: 'released' });
    expect(await findOrder(f.db.pool, { orgUnitId: orgA, id })).toMatchObject({ status: 'released', blocked_reason: null });

    // A released order can be held again when new evidence turns up.
    expect(await f.execute(blockOrderTool, { orderId: id, reason: 'chargeback on a sibling order' })).toMatchObject({ previousStatus: 'released' });
  });

  it('refuses to block an order that is already blocked or fulfilled, and to release one that is not blocked', async () => {
    const blocked = await f.insertOrder('blocked');
    const fulfilled = await f.insertOrder('fulfilled');
    const placed = await f.insertOrder('placed');
    expect(await f.precondition(blockOrderTool, { orderId: blocked, reason: 'x' })).toBe(
      `order ${blocked} is blocked; only placed or released orders can be blocked`,
    );
    expect(await f.precondition(blockOrderTool, { orderId: fulfilled, reason: 'x' })).toMatch(/is fulfilled; only placed or released/);
    expect(await f.precondition(releaseOrderTool, { orderId: placed })).toBe(`order ${placed} is placed; only blocked orders can be released`);

    expect(await conflict(() => f.execute(blockOrderTool, { orderId: fulfilled, reason: 'x' }))).toMatch(/is fulfilled/);
    expect(await conflict(() => f.execute(releaseOrderTool, { orderId: placed }))).toMatch(/is placed/);
    expect((await findOrder(f.db.pool, { orgUnitId: orgA, id: fulfilled }))?.status).toBe('fulfilled');
    expect((await findOrder(f.db.pool, { orgUnitId: orgA, id: placed }))?.status).toBe('placed');
  });

  it('gives policies the order total as a fact', async () => {
    const id = await f.insertOrder('blocked');
    expect(await f.facts(releaseOrderTool, { orderId: id })).toEqual({ orderStatus: 'blocked', totalMinor: 2400, currency: 'USD' });
  });

  it('rejects a blank reason, naming the field', () => {
    expect(rejectedPaths(blockOrderTool, { orderId: '00000000-0000-4000-8000-000000000000', reason: '  ' })).toEqual(['reason']);
    expect(rejectedPaths(releaseOrderTool, { orderId: 42 })).toEqual(['orderId']);
  });
});

describe('content.create_draft and content.publish', () => {
  it('saves a draft and publishes it, recording who and when', async () => {
    const productId = await f.productId('MUG');
    const draft = await f.execute(createContentDraftTool, {
      kind: 'product_description', title: 'The mug', body: 'Holds coffee.', productId, qualityScore: 0.82,
    });
    expect(draft.status).toBe('draft');
    expect(await findContentItem(f.db.pool, { orgUnitId: orgA, id: draft.contentId })).toMatchObject({
      kind: 'product_description', product_id: productId, stream_id: null, title: 'The mug', quality_score: 0.82, created_by: operator.id,
    });
    expect(await f.facts(publishContentTool, { contentId: draft.contentId })).toEqual({ kind: 'product_description', qualityScore: 0.82 });

    f.clock.set(startMs + 60_000);
    expect(await f.execute(publishContentTool, { contentId: draft.contentId })).toEqual({ contentId: draft.contentId, status: 'published' });
    const published = await findContentItem(f.db.pool, { orgUnitId: orgA, id: draft.contentId });
    expect(published).toMatchObject({ status: 'published', published_by: operator.id });
    expect(published?.published_at?.getTime()).toBe(startMs + 60_000);
  });

  it('refuses to publish what is not a draft', async () => {
    const { contentId } = await f.execute(createContentDraftTool, { kind: 'social_post', title: 'Hi', body: 'Live at 8.' });
    await f.execute(publishContentTool, { contentId });
    expect(await f.precondition(publishContentTool, { contentId })).toBe(`content ${contentId} is published; only drafts can be published`);
    expect(await conflict(() => f.execute(publishContentTool, { contentId }))).toMatch(/is published/);
  });

  it('refuses a draft about a product it cannot find', async () => {
    const otherOrgs = await f.productId('MUG', orgB);
    expect(await f.precondition(createContentDraftTool, { kind: 'social_post', title: 'x', body: 'y', productId: otherOrgs })).toBe(
      `product ${otherOrgs} does not exist in this org unit`,
    );
  });

  it('rejects a teaser without its stream, a description without its product and a score above 1, naming the field', () => {
    expect(rejectedPaths(createContentDraftTool, { kind: 'stream_teaser', title: 't', body: 'b' })).toEqual(['streamId']);
    expect(rejectedPaths(createContentDraftTool, { kind: 'product_description', title: 't', body: 'b' })).toEqual(['productId']);
    expect(rejectedPaths(createContentDraftTool, { kind: 'social_post', title: 't', body: 'b', qualityScore: 1.5 })).toEqual(['qualityScore']);
    expect(rejectedPaths(createContentDraftTool, { kind: 'poem', title: 't', body: 'b' })).toEqual(['kind']);
  });
});

describe('streams.schedule and streams.assign_creator', () => {
  it('schedules a stream a user then finds, with its products', async () => {
    const [ana, mug] = [await f.creatorId('ana'), await f.productId('MUG')];
    const output = await f.execute(scheduleStreamTool, {
      creatorId: ana, title: 'Mugs at dawn', scheduledStart: hoursFromStart(24), scheduledEnd: hoursFromStart(26), productIds: [mug],
    });
    expect(output).toMatchObject({ creatorId: ana, status: 'scheduled' });
    const stream = await findStream(f.db.pool, { orgUnitId: orgA, id: output.streamId });
    expect(stream).toMatchObject({ creator_id: ana, title: 'Mugs at dawn', product_ids: [mug], status: 'scheduled' });
    expect(stream?.scheduled_start.toISOString()).toBe(hoursFromStart(24));
  });

  it('refuses a stream that overlaps the creator\'s, but takes one that starts as the other ends', async () => {
    const ana = await f.creatorId('ana');
    const { streamId } = await f.execute(scheduleStreamTool, {
      creatorId: ana, title: 'First', scheduledStart: hoursFromStart(48), scheduledEnd: hoursFromStart(50), productIds: [],
    });
    const overlapping = { creatorId: ana, title: 'Second', scheduledStart: hoursFromStart(49), scheduledEnd: hoursFromStart(51), productIds: [] };
    expect(await f.precondition(scheduleStreamTool, overlapping)).toBe(
      `creator ${ana} already has stream ${streamId} from ${hoursFromStart(48)} to ${hoursFromStart(50)}`,
    );
    expect(await conflict(() => f.execute(scheduleStreamTool, overlapping))).toMatch(/already has stream/);
    expect(await f.precondition(scheduleStreamTool, { ...overlapping, scheduledStart: hoursFromStart(50) })).toBeUndefined();
  });

  it('refuses a paused creator, a start in the past and a retired product', async () => {
    const [ana, cy, old] = [await f.creatorId('ana'), await f.creatorId('cy'), await f.productId('OLD')];
    const base = { creatorId: ana, title: 'T', scheduledStart: hoursFromStart(100), scheduledEnd: hoursFromStart(101), productIds: [] as string[] };
    expect(await f.precondition(scheduleStreamTool, { ...base, creatorId: cy })).toBe(`creator ${cy} is paused; only active creators can stream`);
    expect(await f.precondition(scheduleStreamTool, { ...base, scheduledStart: hoursFromStart(-1), scheduledEnd: hoursFromStart(1) })).toMatch(/scheduledStart .* is not in the future/);
    expect(await f.precondition(scheduleStreamTool, { ...base, productIds: [old] })).toBe(`product ${old} is retired; only active products can be sold on a stream`);
  });

  it('rejects an end before the start and a product listed twice, naming the field', () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const base = { creatorId: id, title: 'T', scheduledStart: hoursFromStart(2), scheduledEnd: hoursFromStart(1), productIds: [] };
    expect(rejectedPaths(scheduleStreamTool, base)).toEqual(['scheduledEnd']);
    expect(rejectedPaths(scheduleStreamTool, { ...base, scheduledEnd: hoursFromStart(3), productIds: [id, id] })).toEqual(['productIds']);
    expect(rejectedPaths(scheduleStreamTool, { ...base, scheduledStart: 'tomorrow' })).toContain('scheduledStart');
  });

  it('gives a scheduled stream to a free, active creator, and refuses a busy, paused or ended one', async () => {
    const [ana, ben, cy] = [await f.creatorId('ana'), await f.creatorId('ben'), await f.creatorId('cy')];
    const { streamId } = await f.execute(scheduleStreamTool, {
      creatorId: ana, title: 'Handover', scheduledStart: hoursFromStart(200), scheduledEnd: hoursFromStart(202), productIds: [],
    });
    expect(await f.precondition(assignStreamCreatorTool, { streamId, creatorId: cy })).toBe(`creator ${cy} is paused; only active creators can stream`);

    const busy = await f.execute(scheduleStreamTool, {
      creatorId: ben, title: 'Busy', scheduledStart: hoursFromStart(201), scheduledEnd: hoursFromStart(203), productIds: [],
    });
    expect(await f.precondition(assignStreamCreatorTool, { streamId, creatorId: ben })).toMatch(`creator ${ben} already has stream ${busy.streamId}`);
    await f.db.pool.query(sql.unsafe`UPDATE streams SET status = 'cancelled' WHERE id = ${busy.streamId}`);

    expect(await f.execute(assignStreamCreatorTool, { streamId, creatorId: ben })).toEqual({ streamId, previousCreatorId: ana, creatorId: ben });
    expect((await findStream(f.db.pool, { orgUnitId: orgA, id: streamId }))?.creator_id).toBe(ben);

    await f.db.pool.query(sql.unsafe`UPDATE streams SET status = 'ended' WHERE id = ${streamId}`);
    expect(await f.precondition(assignStreamCreatorTool, { streamId, creatorId: ana })).toBe(
      `stream ${streamId} is ended; only scheduled streams can change creator`,
    );
    expect(await conflict(() => f.execute(assignStreamCreatorTool, { streamId, creatorId: ana }))).toMatch(/is ended/);
    expect((await findStream(f.db.pool, { orgUnitId: orgA, id: streamId }))?.creator_id).toBe(ben);
  });
});

describe('org scoping', () => {
  it('never reads or writes another org unit\'s rows', async () => {
    const before = await f.snapshot(orgB);
    const [mugB, anaB] = [await f.productId('MUG', orgB), await f.creatorId('ana', orgB)];
    const orderB = await f.insertOrder('placed', orgB);
    const withOrder = await f.snapshot(orgB);
    expect(withOrder).not.toBe(before);

    // Org A's caller, holding org B's ids: every tool finds nothing and changes nothing.
    expect(await f.precondition(setPriceTool, { productId: mugB, priceMinor: 999 })).toMatch(/does not exist in this org unit/);
    expect(await conflict(() => f.execute(setPriceTool, { productId: mugB, priceMinor: 999 }))).toMatch(/does not exist/);
    expect(await conflict(() => f.execute(blockOrderTool, { orderId: orderB, reason: 'x' }))).toMatch(/does not exist/);
    expect(await f.precondition(scheduleStreamTool, {
      creatorId: anaB, title: 'T', scheduledStart: hoursFromStart(5), scheduledEnd: hoursFromStart(6), productIds: [mugB],
    })).toMatch(`creator ${anaB} does not exist`);
    await expect(f.execute(createContentDraftTool, { kind: 'product_description', title: 't', body: 'b', productId: mugB })).rejects.toThrow();

    // Org A's own writes leave org B alone, even where the rows look alike (same sku, channel).
    await f.execute(setPriceTool, { productId: await f.productId('MUG'), priceMinor: 1300 });
    await f.execute(setAdBudgetTool, { channel: 'youtube', dailyBudgetMinor: 700, currency: 'USD' });
    expect(await f.snapshot(orgB)).toBe(withOrder);
    expect((await product(mugB, orgB))?.price_minor).toBe(1200);
  });
});
