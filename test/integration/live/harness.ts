import fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { io as connectClient, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import { roles, type Role } from '../../../engine/kernel/index.js';
import { createAuthenticator, type Authenticator } from '../../../server/auth/authenticator.js';
import { createApiToken } from '../../../server/auth/token-service.js';
import { createLiveStream, type LiveStream, type LiveStreamLimits } from '../../../server/live/live-stream.js';
import { createStreamSubscriber, type StreamSubscriber, type StreamSubscriberOptions } from '../../../server/live/stream-subscriber.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/**
 * A bare fastify on a loopback port with the live stream on its server, a fresh test
 * database with two org units, a token for every role in the first and a founder token
 * in the second. Every client it hands out is closed with it.
 */
export type LiveHarness = {
  db: TestDatabase;
  app: FastifyInstance;
  live: LiveStream;
  authenticator: Authenticator;
  url: string;
  orgUnitId: string;
  otherOrgUnitId: string;
  tokens: Record<Role, { id: string; token: string }>;
  otherOrgToken: string;
  /** A raw socket.io client (no reconnection unless asked). */
  connect(auth: Record<string, unknown>, options?: Partial<ManagerOptions & SocketOptions>): Socket;
  subscriber(options: Omit<StreamSubscriberOptions, 'url' | 'orgUnitId'> & { orgUnitId?: string }): StreamSubscriber;
  streamRowCount(): Promise<number>;
  close(): Promise<void>;
};

export type LiveHarnessOptions = {
  limits?: Partial<LiveStreamLimits>;
  /** The pool the live stream is given, for tests that delay its queries. */
  livePool?: (pool: DatabasePool) => DatabasePool;
};

export async function startLiveHarness({ limits = {}, livePool = (pool) => pool }: LiveHarnessOptions = {}): Promise<LiveHarness> {
  const db = await createTestDatabase();
  const orgUnitId = 'org_alpha';
  const otherOrgUnitId = 'org_beta';
  await upsertOrgUnit(db.pool, { id: orgUnitId, name: 'Alpha' });
  await upsertOrgUnit(db.pool, { id: otherOrgUnitId, name: 'Beta' });
  const tokens = {} as Record<Role, { id: string; token: string }>;
  for (const role of roles) {
    const issued = await createApiToken(db.pool, { orgUnitId, name: `${role}-1`, role, now: Date.now() });
    tokens[role] = { id: issued.id, token: issued.token };
  }
  const other = await createApiToken(db.pool, { orgUnitId: otherOrgUnitId, name: 'founder-b', role: 'founder', now: Date.now() });

  const app = fastify();
  const authenticator = createAuthenticator(db.pool);
  const live = createLiveStream({ httpServer: app.server, pool: livePool(db.pool), authenticator, logger: pino({ level: 'silent' }), limits });
  app.addHook('preClose', async () => live.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('fastify is not listening on a port');
  const url = `http://127.0.0.1:${address.port}`;

  const sockets: Socket[] = [];
  const subscribers: StreamSubscriber[] = [];
  return {
    db,
    app,
    live,
    authenticator,
    url,
    orgUnitId,
    otherOrgUnitId,
    tokens,
    otherOrgToken: other.token,
    connect(auth, options = {}) {
      const socket = connectClient(url, { transports: ['websocket'], reconnection: false, ...options, auth });
      sockets.push(socket);
      return socket;
    },
    subscriber(options) {
      const subscriber = createStreamSubscriber({
        url,
        orgUnitId,
        ...options,
        socketOptions: { reconnectionDelay: 20, reconnectionDelayMax: 100, ...options.socketOptions },
      });
      subscribers.push(subscriber);
      return subscriber;
    },
    async streamRowCount() {
      return db.pool.oneFirst(sql.type(z.object({ count: z.number() }))`SELECT count(*)::int AS count FROM stream_events`);
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
      for (const subscriber of subscribers) subscriber.close();
      await app.close();
      await db.close();
    },
  };
}

/** The next `event` on a client socket, or a rejection after `timeoutMs`. */
export function nextEvent<T = unknown>(socket: Socket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(event, listener);
  });
}

/** Sends a client event and waits for its ack. */
export function request<T = unknown>(socket: Socket, event: string, payload: unknown, timeoutMs = 5_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}
