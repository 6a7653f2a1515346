import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiToken } from '../../../db/queries/api-tokens.js';
import { latestStreamSeq } from '../../../db/queries/stream-events.js';
import { roles } from '../../../engine/kernel/index.js';
import { createApiToken } from '../../../server/auth/token-service.js';
import type { StreamEnvelope, SubscribeAck } from '../../../server/contracts/stream-events.js';
import { nextEvent, request, startLiveHarness, type LiveHarness } from './harness.js';

let h: LiveHarness;
beforeAll(async () => {
  h = await startLiveHarness();
});
afterAll(async () => {
  await h.close();
});

type ConnectError = Error & { data?: { code: string; message: string } };

describe('handshake', () => {
  it('refuses a client without a token', async () => {
    const error = await nextEvent<ConnectError>(h.connect({}), 'connect_error');
    expect(error.message).toBe('UNAUTHENTICATED');
    expect(error.data).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringContaining('auth.token') });
  });

  it('refuses a token that is not valid', async () => {
    const wellFormed = h.tokens.viewer.token.slice(0, -4) + 'AAAA';
    for (const token of [wellFormed, 'not-a-token', '']) {
      const error = await nextEvent<ConnectError>(h.connect({ token }), 'connect_error');
      expect(error.message).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a token sent in the URL, even a valid one', async () => {
    const socket = h.connect({}, { query: { token: h.tokens.founder.token } });
    const error = await nextEvent<ConnectError>(socket, 'connect_error');
    expect(error.message).toBe('UNAUTHENTICATED');
    expect(error.data?.message).toMatch(/never in the URL/);
  });
});

describe('subscribing', () => {
  it.each(roles)('lets the %s role read its own org unit', async (role) => {
    const subscriber = h.subscriber({ token: h.tokens[role].token });
    const start = await subscriber.subscribed();
    const published = await h.live.publish(h.orgUnitId, 'metrics.snapshot', { role });
    expect(published.seq).toBe(start + 1);
    await subscriber.waitForSeq(published.seq);
    expect(subscriber.stats).toMatchObject({ accepted: 1, duplicates: 0, gaps: 0 });
  });

  it("answers not found for another org unit's stream, exactly as for one that does not exist", async () => {
    const socket = h.connect({ token: h.tokens.founder.token });
    await nextEvent(socket, 'connect');
    const other = await request<SubscribeAck>(socket, 'stream.subscribe', { orgUnitId: h.otherOrgUnitId });
    const missing = await request<SubscribeAck>(socket, 'stream.subscribe', { orgUnitId: 'org_nowhere' });
    expect(other).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: `Org unit ${h.otherOrgUnitId} was not found` } });
    expect(missing).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Org unit org_nowhere was not found' } });

    // and it receives nothing from that org unit
    const received: StreamEnvelope[] = [];
    socket.on('stream.event', (envelope: StreamEnvelope) => received.push(envelope));
    const own = h.connect({ token: h.otherOrgToken });
    await nextEvent(own, 'connect');
    const ownAck = await request<SubscribeAck>(own, 'stream.subscribe', { orgUnitId: h.otherOrgUnitId });
    expect(ownAck).toMatchObject({ ok: true });
    const seen = nextEvent<StreamEnvelope>(own, 'stream.event');
    await h.live.publish(h.otherOrgUnitId, 'incident.opened', { secret: true });
    await seen;
    expect(received).toEqual([]);
  });

  it('names the field of an invalid subscription and writes nothing', async () => {
    const rowsBefore = await h.streamRowCount();
    const seqBefore = await latestStreamSeq(h.db.pool, h.orgUnitId);
    const socket = h.connect({ token: h.tokens.operator.token });
    await nextEvent(socket, 'connect');

    const cases: [unknown, string][] = [
      [{ orgUnitId: 42 }, 'payload.orgUnitId'],
      [{ orgUnitId: h.orgUnitId, afterSeq: -1 }, 'payload.afterSeq'],
      [{ orgUnitId: h.orgUnitId, afterSeq: 1.5 }, 'payload.afterSeq'],
      [{ orgUnitId: h.orgUnitId, extra: 1 }, 'payload.extra'],
      ['org_alpha', 'payload'],
    ];
    for (const [payload, path] of cases) {
      const ack = await request<SubscribeAck>(socket, 'stream.subscribe', payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path })] } });
    }
    expect(await h.streamRowCount()).toBe(rowsBefore);
    expect(await latestStreamSeq(h.db.pool, h.orgUnitId)).toBe(seqBefore);
    expect(h.live.io.sockets.adapter.rooms.get(`org:${h.orgUnitId}`)?.has(socket.id!) ?? false).toBe(false);
  });

  it('answers an unknown event and a subscription without an ack', async () => {
    const socket = h.connect({ token: h.tokens.viewer.token });
    await nextEvent(socket, 'connect');
    const unknown = await request<SubscribeAck>(socket, 'stream.publish', { orgUnitId: h.orgUnitId });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', errors: [{ path: 'event' }] } });

    const error = nextEvent(socket, 'stream.error');
    socket.emit('stream.subscribe', { orgUnitId: 7 });
    expect(await error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'payload.orgUnitId' }] });
  });

  it('refuses to resume past the end of the stream', async () => {
    const socket = h.connect({ token: h.tokens.viewer.token });
    await nextEvent(socket, 'connect');
    const latest = (await latestStreamSeq(h.db.pool, h.orgUnitId)) ?? 0;
    const ack = await request<SubscribeAck>(socket, 'stream.subscribe', { orgUnitId: h.orgUnitId, afterSeq: latest + 10 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('refuses a new subscription once the token is revoked', async () => {
    const { id, token } = await createApiToken(h.db.pool, { orgUnitId: h.orgUnitId, name: 'short-lived', role: 'viewer', now: Date.now() });
    const socket = h.connect({ token });
    await nextEvent(socket, 'connect');
    expect(await request<SubscribeAck>(socket, 'stream.subscribe', { orgUnitId: h.orgUnitId })).toMatchObject({ ok: true });
    await revokeApiToken(h.db.pool, { orgUnitId: h.orgUnitId, tokenId: id });
    h.authenticator.forget(id);
    const disconnected = nextEvent(socket, 'disconnect');
    expect(await request<SubscribeAck>(socket, 'stream.subscribe', { orgUnitId: h.orgUnitId })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await disconnected).toBe('io server disconnect');
  });
});
