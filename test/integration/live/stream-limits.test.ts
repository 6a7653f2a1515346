import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamError, SubscribeAck } from '../../../server/contracts/stream-events.js';
import { nextEvent, request, startLiveHarness, type LiveHarness } from './harness.js';

let h: LiveHarness;
beforeAll(async () => {
  h = await startLiveHarness({ limits: { messagesPerSecond: 20, messageBurst: 40, maxMessageBytes: 64 * 1024 } });
});
afterAll(async () => {
  await h.close();
});

describe('abusive clients', () => {
  it('disconnects a client that floods, after telling it why', async () => {
    const socket = h.connect({ token: h.tokens.operator.token });
    await nextEvent(socket, 'connect');
    const told = nextEvent<StreamError>(socket, 'stream.error');
    const disconnected = nextEvent<string>(socket, 'disconnect');
    for (let i = 0; i < 200; i += 1) socket.emit('stream.unsubscribe', { orgUnitId: h.orgUnitId });
    expect(await told).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('lets a client that stays within its rate keep going', async () => {
    const socket = h.connect({ token: h.tokens.operator.token });
    await nextEvent(socket, 'connect');
    // The burst allowance covers a reconnecting client's handful of messages.
    for (let i = 0; i < 30; i += 1) {
      expect(await request(socket, 'stream.unsubscribe', { orgUnitId: h.orgUnitId })).toEqual({ ok: true, orgUnitId: h.orgUnitId });
    }
    expect(socket.connected).toBe(true);
  });

  it('cuts off a client that sends an oversized message, and writes nothing', async () => {
    const rowsBefore = await h.streamRowCount();
    const socket = h.connect({ token: h.tokens.founder.token });
    await nextEvent(socket, 'connect');
    const disconnected = nextEvent<string>(socket, 'disconnect');
    socket.emit('stream.subscribe', { orgUnitId: h.orgUnitId, padding: 'x'.repeat(100 * 1024) });
    expect(await disconnected).toBe('transport close');
    expect(await h.streamRowCount()).toBe(rowsBefore);

    // The server is unharmed: a well-behaved client still subscribes.
    const next = h.connect({ token: h.tokens.founder.token });
    await nextEvent(next, 'connect');
    expect(await request<SubscribeAck>(next, 'stream.subscribe', { orgUnitId: h.orgUnitId })).toMatchObject({ ok: true });
  });
});
