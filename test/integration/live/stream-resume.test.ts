import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendStreamEvents } from '../../../db/queries/stream-events.js';
import type { StreamEnvelope } from '../../../server/contracts/stream-events.js';
import { nextEvent, startLiveHarness, type LiveHarness } from './harness.js';

let h: LiveHarness;
beforeAll(async () => {
  h = await startLiveHarness();
});
afterAll(async () => {
  await h.close();
});

const indexes = (envelopes: readonly StreamEnvelope[]) => envelopes.map((envelope) => envelope.payload.i);
const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('resuming after a reconnect', () => {
  it('ends with all 500 events of a burst, in order and none twice, when the transport dies mid-burst', async () => {
    const received: StreamEnvelope[] = [];
    let killed = false;
    const subscriber = h.subscriber({
      token: h.tokens.viewer.token,
      onEvent(envelope) {
        received.push(envelope);
        if (received.length === 100 && !killed) {
          killed = true;
          subscriber.socket.io.engine.close();
        }
      },
    });
    const start = await subscriber.subscribed();
    const disconnected = nextEvent<string>(subscriber.socket, 'disconnect', 10_000);

    let published = 0;
    const publishing = (async () => {
      // Ten at a time, so the burst also exercises group commit.
      for (let round = 0; round < 50; round += 1) {
        await Promise.all(range(round * 10, 10).map((i) => h.live.publish(h.orgUnitId, 'metrics.snapshot', { i })));
        published += 10;
      }
    })();

    // The client's own engine.close() reads as a forced close; the client reconnects as after a network cut.
    expect(await disconnected).toBe('forced close');
    const publishedWhenCut = published;
    await publishing;
    await subscriber.waitForSeq(start + 500, 20_000);

    expect(publishedWhenCut).toBeLessThan(500);
    expect(received.map((envelope) => envelope.seq)).toEqual(range(start + 1, 500));
    expect(indexes(received)).toEqual(range(0, 500));
    expect(subscriber.stats).toMatchObject({ accepted: 500, duplicates: 0, gaps: 0, subscriptions: 2 });
  });

  it('backfills from the database what was committed while the client was away', async () => {
    const received: StreamEnvelope[] = [];
    const subscriber = h.subscriber({ token: h.tokens.operator.token, onEvent: (envelope) => received.push(envelope) });
    const start = await subscriber.subscribed();
    await h.live.publish(h.orgUnitId, 'approval.requested', { i: 0 });
    await subscriber.waitForSeq(start + 1);

    subscriber.socket.disconnect();
    for (const i of range(1, 20)) await h.live.publish(h.orgUnitId, 'approval.requested', { i });
    // Written straight to the database, bypassing the live stream: only a backfill can deliver these.
    await appendStreamEvents(
      h.db.pool,
      h.orgUnitId,
      range(21, 10).map((i) => ({ type: 'incident.opened', payloadJson: JSON.stringify({ i }) })),
    );
    subscriber.socket.connect();
    await subscriber.waitForSeq(start + 31);

    expect(indexes(received)).toEqual(range(0, 31));
    expect(received.at(-1)).toMatchObject({ orgUnitId: h.orgUnitId, seq: start + 31, type: 'incident.opened' });
    expect(subscriber.stats).toMatchObject({ duplicates: 0, gaps: 0, subscriptions: 2 });
  });

  it('replays the whole history to a client that resumes from 0', async () => {
    const received: StreamEnvelope[] = [];
    const subscriber = h.subscriber({ token: h.tokens.agent.token, afterSeq: 0, onEvent: (envelope) => received.push(envelope) });
    expect(await subscriber.subscribed()).toBe(0);
    const latest = await h.live.publish(h.orgUnitId, 'decision.made', { last: true });
    await subscriber.waitForSeq(latest.seq);
    expect(received.map((envelope) => envelope.seq)).toEqual(range(1, latest.seq));
    expect(received.at(-1)?.payload).toEqual({ last: true });
  });
});

describe('catching up while events keep coming', () => {
  let small: LiveHarness;
  beforeAll(async () => {
    // Tiny pages and buffer, so paging and the buffer overflow both happen.
    small = await startLiveHarness({ limits: { backfillPageSize: 7, catchUpBufferLimit: 5 } });
  });
  afterAll(async () => {
    await small.close();
  });

  it('hands over from the database to the room with no gap and no duplicate', async () => {
    for (const round of range(0, 10)) {
      await Promise.all(range(round * 10, 10).map((i) => small.live.publish(small.orgUnitId, 'event.ingested', { i })));
    }
    const received: StreamEnvelope[] = [];
    const subscriber = small.subscriber({ token: small.tokens.viewer.token, afterSeq: 0, onEvent: (envelope) => received.push(envelope) });
    const publishing = Promise.all(range(100, 150).map((i) => small.live.publish(small.orgUnitId, 'event.ingested', { i })));
    await subscriber.subscribed();
    await publishing;
    await subscriber.waitForSeq(250, 20_000);
    expect(indexes(received)).toEqual(range(0, 250));
    expect(subscriber.stats).toMatchObject({ duplicates: 0, gaps: 0, subscriptions: 1 });
  });
});

describe('a commit read from the database before its broadcast', () => {
  let slow: LiveHarness;
  let held: Promise<void> | undefined;
  beforeAll(async () => {
    // Holds the result of the live stream's inserts, so a subscriber's read sees the rows before they are broadcast.
    slow = await startLiveHarness({
      livePool: (pool) =>
        new Proxy(pool, {
          get(target, property, receiver) {
            const value: unknown = Reflect.get(target, property, receiver);
            if (property !== 'any' || typeof value !== 'function') return value;
            return async (...args: unknown[]) => {
              const rows: unknown = await Reflect.apply(value, target, args);
              if (held && JSON.stringify(args[0]).includes('INSERT INTO stream_events')) await held;
              return rows;
            };
          },
        }),
    });
  });
  afterAll(async () => {
    await slow.close();
  });

  it('is not sent again to a subscriber that already read it', async () => {
    const received: StreamEnvelope[] = [];
    const first = await slow.live.publish(slow.orgUnitId, 'decision.made', { i: 0 });
    let release!: () => void;
    held = new Promise<void>((resolve) => (release = resolve));
    const publishing = Promise.all(range(1, 10).map((i) => slow.live.publish(slow.orgUnitId, 'decision.made', { i })));
    await expect.poll(() => slow.streamRowCount()).toBe(11);

    const subscriber = slow.subscriber({ token: slow.tokens.viewer.token, afterSeq: first.seq, onEvent: (envelope) => received.push(envelope) });
    await subscriber.waitForSeq(first.seq + 10);
    release();
    await publishing;
    held = undefined;
    await slow.live.publish(slow.orgUnitId, 'decision.made', { i: 11 });
    await subscriber.waitForSeq(first.seq + 11);

    expect(indexes(received)).toEqual(range(1, 11));
    expect(subscriber.stats).toMatchObject({ duplicates: 0, gaps: 0 });
  });
});
