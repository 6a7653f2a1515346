import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { Server } from 'socket.io';
import { z } from 'zod';
import type { Authenticator } from '../auth/authenticator.js';
import type { StreamEnvelope, StreamEventType, StreamPayload } from '../contracts/stream-events.js';
import { AppError } from '../errors/catalog.js';
import { handshakeAuthentication, refusal } from './handshake-auth.js';
import type { LiveServer } from './live-socket.js';
import { preparePublish } from './publish-input.js';
import { createStreamBatcher } from './stream-batcher.js';
import { createCatchUp } from './stream-catch-up.js';
import { handleStreamConnection } from './stream-connection.js';

const limitsSchema = z
  .object({
    /** Largest message a client may send; a bigger one closes its connection (socket.io maxHttpBufferSize). */
    maxMessageBytes: z.number().int().min(1024).default(64 * 1024),
    /** Token bucket per socket: sustained rate and burst of client messages; exceeding it disconnects. */
    messagesPerSecond: z.number().positive().default(20),
    messageBurst: z.number().int().min(1).default(40),
    /** Rows per database read while a client catches up. */
    backfillPageSize: z.number().int().min(1).max(10_000).default(500),
    /** Live events held for one catching-up client before they are dropped and re-read from the database. */
    catchUpBufferLimit: z.number().int().min(1).default(10_000),
    /** Largest payload a publisher may stream, as JSON. */
    maxEventBytes: z.number().int().min(64).default(32 * 1024),
    /** Most events committed in one transaction. */
    maxBatchSize: z.number().int().min(1).max(10_000).default(1_000),
  })
  .strict();
export type LiveStreamLimits = z.infer<typeof limitsSchema>;

export type LiveStreamOptions = {
  httpServer: HttpServer;
  pool: DatabasePool;
  authenticator: Authenticator;
  logger: Logger;
  limits?: Partial<LiveStreamLimits>;
  /** Milliseconds, for the rate limiter; tests may pass their own. */
  now?: () => number;
};

export type LiveStream = {
  /** The socket.io server, for tests and benchmarks. */
  readonly io: LiveServer;
  readonly limits: Readonly<LiveStreamLimits>;
  /** Persists the event with the org's next sequence number, then broadcasts it to the org's room. */
  publish(orgUnitId: string, type: StreamEventType, payload: StreamPayload): Promise<StreamEnvelope>;
  /** Broadcasts events another writer already committed to the stream's log (the workflow outbox relay). */
  announce(envelopes: readonly StreamEnvelope[]): void;
  /**
   * Commits what is pending, then closes every client's transport so it reconnects (to
   * this server once restarted, or another) and resumes. It leaves the HTTP server to its
   * owner: call it from fastify's preClose hook, as open websockets would hold close() up.
   */
  close(): Promise<void>;
};

/** The Socket.IO live stream on an existing HTTP server (fastify's `app.server`). */
export function createLiveStream(options: LiveStreamOptions): LiveStream {
  const { httpServer, pool, authenticator, logger } = options;
  const limits = Object.freeze(limitsSchema.parse(options.limits ?? {}));
  const now = options.now ?? (() => performance.now());
  const inFlight = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  const io: LiveServer = new Server(httpServer, { serveClient: false, maxHttpBufferSize: limits.maxMessageBytes });
  const catchUp = createCatchUp({ io, pool, logger, pageSize: limits.backfillPageSize, bufferLimit: limits.catchUpBufferLimit });
  const batcher = createStreamBatcher({
    pool,
    logger,
    maxBatchSize: limits.maxBatchSize,
    onCommitted: (envelopes) => catchUp.broadcast(envelopes),
  });

  function track(work: Promise<void>): void {
    const settled = work.catch((error: unknown) => logger.error({ err: error }, 'live stream: a client request failed'));
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  }

  io.use((_socket, next) => {
    next(closing ? refusal({ code: 'NOT_READY', message: 'The server is shutting down' }) : undefined);
  });
  io.use(handshakeAuthentication(authenticator, logger));
  io.on('connection', (socket) => {
    handleStreamConnection(socket, { pool, authenticator, catchUp, logger, limits, now, track });
  });
  io.engine.on('connection_error', (error: { code: number; message: string }) => {
    logger.debug({ code: error.code, reason: error.message }, 'live stream: connection refused by the transport');
  });

  return {
    io,
    limits,
    async publish(orgUnitId, type, payload) {
      if (closing) throw new AppError('NOT_READY', 'The live stream is closed');
      return batcher.append(preparePublish(orgUnitId, type, payload, limits.maxEventBytes));
    },
    announce(envelopes) {
      catchUp.broadcast(envelopes);
    },
    close() {
      closing ??= (async () => {
        await batcher.drain();
        // io.close() would also close the HTTP server, which belongs to fastify.
        io.engine.close();
        await Promise.allSettled(inFlight);
      })();
      return closing;
    },
  };
}
