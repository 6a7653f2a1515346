import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { latestStreamSeq } from '../../db/queries/stream-events.js';
import { readerRoles, roleAllows } from '../../engine/kernel/index.js';
import type { Authenticator } from '../auth/authenticator.js';
import {
  clientEventNames,
  subscribeRequestSchema,
  unsubscribeRequestSchema,
  type StreamFailure,
  type SubscribeAck,
  type UnsubscribeAck,
} from '../contracts/stream-events.js';
import { handshakeToken } from './handshake-auth.js';
import { orgRoom, type LiveSocket } from './live-socket.js';
import type { CatchUp, Subscription } from './stream-catch-up.js';
import { failure, streamError, unexpectedFailure, validationFailure } from './stream-errors.js';
import { createTokenBucket } from './token-bucket.js';

export type ConnectionDeps = {
  pool: DatabasePool;
  authenticator: Authenticator;
  catchUp: CatchUp;
  logger: Logger;
  limits: { messagesPerSecond: number; messageBurst: number };
  now: () => number;
  /** Keeps a handler's promise so closing the stream can wait for it. */
  track(work: Promise<void>): void;
};

type Reply<T> = (reply: T) => void;

function isAck<T>(value: unknown): value is Reply<T> {
  return typeof value === 'function';
}

/** Answers through the ack when the client sent one; failures without one go out as `stream.error`. */
function replier<T extends { ok: boolean }>(socket: LiveSocket, ack: unknown): Reply<T | StreamFailure> {
  return (reply) => {
    if (isAck<T | StreamFailure>(ack)) ack(reply);
    else if ('error' in reply) socket.emit('stream.error', reply.error);
  };
}

function isClientEvent(event: unknown): boolean {
  return typeof event === 'string' && (clientEventNames as readonly string[]).includes(event);
}

/** One connected client: rate limit, validation, subscribe and unsubscribe. */
export function handleStreamConnection(socket: LiveSocket, deps: ConnectionDeps): void {
  const { pool, authenticator, catchUp, logger, limits } = deps;
  const log = logger.child({ socketId: socket.id, principalId: socket.data.principal.id });
  const subscriptions = new Map<string, Subscription>();
  const bucket = createTokenBucket({ ratePerSecond: limits.messagesPerSecond, burst: limits.messageBurst, now: deps.now });

  socket.use(([event, ...args], next) => {
    if (!bucket.take()) {
      log.warn('live stream: client exceeded its message rate, disconnecting');
      socket.emit('stream.error', streamError('RATE_LIMITED', `More than ${limits.messagesPerSecond} messages per second: disconnected`));
      socket.disconnect(true);
      return;
    }
    if (!isClientEvent(event)) {
      const error = { path: 'event', message: `is not a known event (${clientEventNames.join(', ')})` };
      replier(socket, args.at(-1))({ ok: false, error: { code: 'VALIDATION_FAILED', message: `event: ${error.message}`, errors: [error] } });
      return;
    }
    next();
  });

  function stop(orgUnitId: string): void {
    const subscription = subscriptions.get(orgUnitId);
    if (!subscription) return;
    subscriptions.delete(orgUnitId);
    catchUp.cancel(subscription);
    const leaving = socket.leave(orgRoom(orgUnitId));
    leaving?.catch((error: unknown) => log.error({ err: error }, 'live stream: leaving the room failed'));
  }

  /** The token may have been revoked since the handshake; a new subscription needs it valid now. */
  async function tokenStillValid(): Promise<boolean> {
    const token = handshakeToken(socket);
    return token !== undefined && (await authenticator.authenticate(token)) !== undefined;
  }

  async function subscribe(raw: unknown, reply: Reply<SubscribeAck>): Promise<void> {
    const parsed = subscribeRequestSchema.safeParse(raw);
    if (!parsed.success) return reply(validationFailure(parsed.error));
    const { orgUnitId, afterSeq } = parsed.data;
    const { principal } = socket.data;
    // 404, not 403: a token never learns whether another org unit exists.
    if (orgUnitId !== principal.orgUnitId) return reply(failure('NOT_FOUND', `Org unit ${orgUnitId} was not found`));
    if (!roleAllows(principal.role, readerRoles)) return reply(failure('FORBIDDEN', 'Your role may not read this stream'));

    // A new subscription replaces the old one and starts where the client says.
    stop(orgUnitId);
    const subscription = catchUp.begin(socket, orgUnitId);
    subscriptions.set(orgUnitId, subscription);
    const end = () => {
      if (subscriptions.get(orgUnitId) === subscription) subscriptions.delete(orgUnitId);
      catchUp.cancel(subscription);
    };
    let acknowledged = false;
    try {
      const [valid, latest] = await Promise.all([tokenStillValid(), latestStreamSeq(pool, orgUnitId)]);
      if (subscription.cancelled) return reply(failure('CONFLICT', 'A newer subscription replaced this one'));
      if (!valid) {
        end();
        reply(failure('UNAUTHENTICATED', 'The API token is no longer valid'));
        socket.disconnect(true);
        return;
      }
      if (latest === null) {
        end();
        return reply(failure('NOT_FOUND', `Org unit ${orgUnitId} was not found`));
      }
      if (afterSeq !== undefined && afterSeq > latest) {
        // The client's number comes from another database (or a reset one): resuming would skip events.
        end();
        return reply(failure('CONFLICT', `afterSeq ${afterSeq} is ahead of the stream (latest is ${latest}); subscribe without afterSeq`));
      }
      subscription.lastSent = afterSeq ?? latest;
      reply({ ok: true, orgUnitId, afterSeq: subscription.lastSent });
      acknowledged = true;
      await catchUp.run(subscription);
    } catch (error) {
      end();
      log.error({ err: error, orgUnitId }, 'live stream: subscription failed');
      const { error: problem } = unexpectedFailure(error);
      if (!acknowledged) return reply({ ok: false, error: problem });
      // Closing the transport (not a socket.io disconnect) makes the client reconnect and resume.
      socket.emit('stream.error', problem);
      socket.conn.close();
    }
  }

  function unsubscribe(raw: unknown, reply: Reply<UnsubscribeAck>): void {
    const parsed = unsubscribeRequestSchema.safeParse(raw);
    if (!parsed.success) return reply(validationFailure(parsed.error));
    // The same answer for every org unit, subscribed or not, known or not.
    stop(parsed.data.orgUnitId);
    reply({ ok: true, orgUnitId: parsed.data.orgUnitId });
  }

  socket.on('stream.subscribe', (request: unknown, ack: unknown) => {
    deps.track(subscribe(request, replier<SubscribeAck>(socket, ack)));
  });
  socket.on('stream.unsubscribe', (request: unknown, ack: unknown) => {
    unsubscribe(request, replier<UnsubscribeAck>(socket, ack));
  });
  socket.on('disconnect', (reason) => {
    log.debug({ reason }, 'live stream: client disconnected');
    for (const subscription of subscriptions.values()) catchUp.cancel(subscription);
    subscriptions.clear();
  });
}
