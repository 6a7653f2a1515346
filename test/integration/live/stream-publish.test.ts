import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appendStreamEvents, latestStreamSeq, streamEventsAfter } from '../../../db/queries/stream-events.js';
import { DatabaseError } from '../../../db/errors.js';
import type { StreamEventType, StreamPayload } from '../../../server/contracts/stream-events.js';
import { AppError } from '../../../server/errors/catalog.js';
import { startLiveHarness, type LiveHarness } from './harness.js';

let h: LiveHarness;
beforeAll(async () => {
  h = await startLiveHarness({ limits: { maxEventBytes: 1024 } });
});
afterAll(async () => {
  await h.close();
});

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('the stream log', () => {
  it('numbers each org unit on its own, from 1, with no holes', async () => {
    const events = (label: string) => range(0, 3).map((i) => ({ type: 'metrics.snapshot', payloadJson: JSON.stringify({ label, i }) }));
    const first = await appendStreamEvents(h.db.pool, h.otherOrgUnitId, events('a'));
    const second = await appendStreamEvents(h.db.pool, h.otherOrgUnitId, events('b'));
    expect([...first, ...second].map((event) => event.seq)).toEqual(range(1, 6));
    expect(await latestStreamSeq(h.db.pool, h.otherOrgUnitId)).toBe(6);
    const page = await streamEventsAfter(h.db.pool, h.otherOrgUnitId, 2, 3);
    expect(page.map((row) => [row.seq, row.payload])).toEqual([
      [3, { label: 'a', i: 2 }],
      [4, { label: 'b', i: 0 }],
      [5, { label: 'b', i: 1 }],
    ]);
    expect(await latestStreamSeq(h.db.pool, 'org_nowhere')).toBeNull();
  });

  it('refuses events for an org unit that does not exist and writes nothing', async () => {
    const before = await h.streamRowCount();
    const append = appendStreamEvents(h.db.pool, 'org_nowhere', [{ type: 'metrics.snapshot', payloadJson: '{}' }]);
    await expect(append).rejects.toBeInstanceOf(DatabaseError);
    expect(await h.streamRowCount()).toBe(before);
  });
});

describe('publish', () => {
  it('commits a burst in a few transactions and numbers it in publish order', async () => {
    const published = await Promise.all(range(0, 200).map((i) => h.live.publish(h.orgUnitId, 'event.ingested', { i })));
    const first = published[0]!.seq;
    expect(published.map((envelope) => envelope.seq)).toEqual(range(first, 200));
    expect(published.map((envelope) => envelope.payload.i)).toEqual(range(0, 200));
    // now() is the transaction's start time, so distinct timestamps count the transactions.
    const transactions = await h.db.pool.oneFirst(sql.type(z.object({ count: z.number() }))`
      SELECT count(DISTINCT created_at)::int AS count FROM stream_events
       WHERE org_unit_id = ${h.orgUnitId} AND seq >= ${first}`);
    expect(transactions).toBeLessThanOrEqual(5);
  });

  it('refuses a bad event before it can share a transaction, and writes nothing', async () => {
    const before = await h.streamRowCount();
    const cyclic: StreamPayload = {};
    cyclic.self = cyclic;
    const bad: [string, StreamEventType, StreamPayload, string][] = [
      ['Org Alpha', 'event.ingested', {}, 'orgUnitId'],
      [h.orgUnitId, 'event.deleted' as StreamEventType, {}, 'type'],
      [h.orgUnitId, 'event.ingested', { text: 'x'.repeat(2000) }, 'payload'],
      [h.orgUnitId, 'event.ingested', cyclic, 'payload'],
      [h.orgUnitId, 'event.ingested', { text: 'nul \u0000 here' }, 'payload'],
      [h.orgUnitId, 'event.ingested', [1, 2] as unknown as StreamPayload, 'payload'],
    ];
    const good = h.live.publish(h.orgUnitId, 'event.ingested', { text: 'a backslash then u0000: \\u0000 is fine' });
    for (const [orgUnitId, type, payload, path] of bad) {
      const error = await h.live.publish(orgUnitId, type, payload).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', extras: { errors: [expect.objectContaining({ path })] } });
    }
    expect((await good).payload).toEqual({ text: 'a backslash then u0000: \\u0000 is fine' });
    expect(await h.streamRowCount()).toBe(before + 1);
  });

  it('fails every publish of a batch the database refuses, and the next batch still commits', async () => {
    const failing = h.live.publish('org_gone', 'event.ingested', { i: 1 });
    await expect(failing).rejects.toBeInstanceOf(DatabaseError);
    await expect(h.live.publish(h.orgUnitId, 'event.ingested', { i: 2 })).resolves.toMatchObject({ orgUnitId: h.orgUnitId });
  });
});

describe('close', () => {
  it('commits what is pending, cuts every transport so clients reconnect elsewhere, then refuses publishes', async () => {
    const subscriber = h.subscriber({ token: h.tokens.viewer.token, socketOptions: { reconnection: false } });
    const start = await subscriber.subscribed();
    const cut = new Promise<string>((resolve) => subscriber.socket.once('disconnect', resolve));
    const pending = [1, 2, 3].map((i) => h.live.publish(h.orgUnitId, 'killswitch.changed', { i }));
    await h.live.close();
    expect((await Promise.all(pending)).map((envelope) => envelope.seq)).toEqual([start + 1, start + 2, start + 3]);
    // A transport close, not a socket.io disconnect: a real client would reconnect and resume.
    expect(await cut).toBe('transport close');
    await expect(h.live.publish(h.orgUnitId, 'killswitch.changed', {})).rejects.toMatchObject({ code: 'NOT_READY' });
  });
});
