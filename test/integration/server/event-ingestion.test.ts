import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { IngestedEvent } from '../../../server/ingestion/event-ingestion.js';
import { bearer, createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { rowCounts } from '../../support/row-counts.js';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const orderPlaced = (key: string, quantity = 2) => ({
  type: 'order.placed',
  idempotencyKey: key,
  occurredAt: '2026-11-25T10:15:00+01:00',
  payload: { orderId: `ord-${key}`, sku: 'LAMP-1', quantity, unitPriceMinor: 4999, currency: 'USD', customerRef: 'c-9', features: { newAccount: true, ipRisk: 0.2 } },
});
const post = (body: unknown, token = f.tokens.agent) =>
  f.built.app.inject({ method: 'POST', url: '/api/events', headers: bearer(token), payload: body as object });
const storedEvents = () => f.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM events WHERE org_unit_id = ${f.orgUnitId}`);

describe('POST /api/events', () => {
  it("stores an event once per idempotency key, in the token's org unit, streams it and tells subscribers", async () => {
    const heard: IngestedEvent[] = [];
    const unsubscribe = f.built.ingestion.subscribe('order.placed', (event) => {
      heard.push(event);
    });
    const first = await post(orderPlaced('k-1'));
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ type: 'order.placed', idempotencyKey: 'k-1', duplicate: false, occurredAt: '2026-11-25T09:15:00.000Z' });
    const again = await post(orderPlaced('k-1'));
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ id: first.json<{ id: string }>().id, duplicate: true });
    expect(await storedEvents()).toBe(1);
    expect(heard.map((e) => [e.type, e.orgUnitId])).toEqual([['order.placed', f.orgUnitId]]);
    const streamed = await f.db.pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM stream_events WHERE org_unit_id = ${f.orgUnitId} AND type = 'event.ingested'`);
    expect(streamed).toHaveLength(1);
    unsubscribe();
  });

  it('refuses the same key for a different event with 409, storing nothing', async () => {
    await post(orderPlaced('k-2', 1));
    const before = await rowCounts(f.db.pool);
    const conflict = await post(orderPlaced('k-2', 3));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'CONFLICT', errors: [{ path: 'body.idempotencyKey' }] });
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });

  it('names the failing field of a bad event and stores nothing', async () => {
    const before = await rowCounts(f.db.pool);
    const cases: [unknown, string][] = [
      [{ ...orderPlaced('b-1'), type: 'order.teleported' }, 'body.type'],
      [{ ...orderPlaced('b-2'), occurredAt: 'yesterday' }, 'body.occurredAt'],
      [{ ...orderPlaced('b-3'), payload: { ...orderPlaced('b-3').payload, quantity: 0 } }, 'body.payload.quantity'],
      [{ ...orderPlaced('b-4'), payload: { ...orderPlaced('b-4').payload, unitPriceMinor: 49.99 } }, 'body.payload.unitPriceMinor'],
      [{ ...orderPlaced('b-5'), payload: { ...orderPlaced('b-5').payload, currency: 'dollars' } }, 'body.payload.currency'],
      [{ ...orderPlaced('b-6'), payload: { ...orderPlaced('b-6').payload, extra: 1 } }, 'body.payload.extra'],
      [{ type: 'payout.due', idempotencyKey: 'b-7', occurredAt: '2026-11-25T10:00:00Z', payload: { creatorHandle: 'lena.live', periodStart: '2026-11-30', periodEnd: '2026-11-01', amountMinor: 100, currency: 'USD' } }, 'body.payload.periodEnd'],
      [{ ...orderPlaced('b-8'), orgUnitId: 'org_beta' }, 'body.orgUnitId'],
      [{ ...orderPlaced(''), idempotencyKey: '' }, 'body.idempotencyKey'],
    ];
    for (const [body, field] of cases) {
      const response = await post(body);
      expect(response.statusCode, field).toBe(400);
      expect(response.json<{ errors: { path: string }[] }>().errors.map((e) => e.path), field).toContain(field);
    }
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });

  it('is refused to viewers, and a token of another org unit stores in its own org unit only', async () => {
    expect((await post(orderPlaced('v-1'), f.tokens.viewer)).statusCode).toBe(403);
    const other = await post(orderPlaced('o-1'), f.otherOrgFounderToken);
    expect(other.statusCode).toBe(201);
    expect(await f.db.pool.oneFirst(sql.type(z.object({ org: z.string() }))`SELECT org_unit_id AS org FROM events WHERE idempotency_key = 'o-1'`)).toBe('org_beta');
  });
});

describe('POST /api/events/batch', () => {
  const postBatch = (events: unknown[], token = f.tokens.agent) =>
    f.built.app.inject({ method: 'POST', url: '/api/events/batch', headers: bearer(token), payload: { events } });

  it('stores each new event once, answers per event in order, and streams and tells subscribers of the new ones', async () => {
    await post(orderPlaced('bt-0'));
    const heard: string[] = [];
    const unsubscribe = f.built.ingestion.subscribe('order.placed', (event) => {
      heard.push(String(event.payload.orderId));
    });
    const before = await storedEvents();
    const response = await postBatch([orderPlaced('bt-1'), orderPlaced('bt-0'), orderPlaced('bt-2')]);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ stored: number; duplicates: number; events: { idempotencyKey: string; duplicate: boolean }[] }>();
    expect(body.stored).toBe(2);
    expect(body.duplicates).toBe(1);
    expect(body.events.map((e) => [e.idempotencyKey, e.duplicate])).toEqual([['bt-1', false], ['bt-0', true], ['bt-2', false]]);
    expect((await storedEvents()) - before).toBe(2);
    expect(heard.sort()).toEqual(['ord-bt-1', 'ord-bt-2']);
    const again = await postBatch([orderPlaced('bt-1'), orderPlaced('bt-2')]);
    expect(again.json()).toMatchObject({ stored: 0, duplicates: 2 });
    unsubscribe();
  });

  it('refuses the whole batch with 409 when a key was used for a different event, storing none of it', async () => {
    await post(orderPlaced('bc-1', 1));
    const before = await rowCounts(f.db.pool);
    const response = await postBatch([orderPlaced('bc-new'), orderPlaced('bc-1', 5)]);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'CONFLICT', errors: [{ path: 'body.events[1].idempotencyKey' }] });
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });

  it('names the failing event and field, repeats of a key within the batch included, and stores nothing', async () => {
    const before = await rowCounts(f.db.pool);
    const cases: [unknown[], string][] = [
      [[orderPlaced('bv-1'), { ...orderPlaced('bv-2'), payload: { ...orderPlaced('bv-2').payload, quantity: 0 } }], 'body.events[1].payload.quantity'],
      [[orderPlaced('bv-3'), orderPlaced('bv-3')], 'body.events[1].idempotencyKey'],
      [[], 'body.events'],
      [Array.from({ length: 501 }, (_, i) => orderPlaced(`bv-many-${i}`)), 'body.events'],
    ];
    for (const [events, path] of cases) {
      const response = await postBatch(events);
      expect(response.statusCode, path).toBe(400);
      expect(response.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(path);
    }
    expect(await rowCounts(f.db.pool)).toEqual(before);
  });
});
