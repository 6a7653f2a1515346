import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  StreamEnvelope,
  StreamError,
  SubscribeAck,
} from '../contracts/stream-events.js';

/**
 * A live-stream client that never misses or repeats an event: it keeps the last sequence
 * number it accepted and, after every (re)connect, subscribes again from it. It accepts
 * only the next number; anything else is counted (a correct server produces none) and a
 * gap makes it subscribe again. Used by tests and benchmarks; the console has its own.
 */
export type StreamSubscriberOptions = {
  url: string;
  token: string;
  orgUnitId: string;
  /** Resume after this number; omitted, the stream starts from now. */
  afterSeq?: number;
  onEvent?: (envelope: StreamEnvelope) => void;
  onError?: (error: StreamError) => void;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
};

export type SubscriberStats = {
  accepted: number;
  /** Events at or below the last number: the server sent one twice. */
  duplicates: number;
  /** Events past the next number: the server skipped some. */
  gaps: number;
  /** Subscriptions acknowledged, the first one included. */
  subscriptions: number;
};

export type StreamSubscriber = {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** The last number accepted, or where the first subscription started. */
  readonly lastSeq: number | undefined;
  readonly stats: Readonly<SubscriberStats>;
  /** Resolves with the first acknowledged subscription's starting point. */
  subscribed(timeoutMs?: number): Promise<number>;
  /** Resolves once the event numbered `seq` has been accepted. */
  waitForSeq(seq: number, timeoutMs?: number): Promise<void>;
  close(): void;
};

type Waiter = { seq: number; resolve(): void; reject(error: Error): void; timer: NodeJS.Timeout };

export function createStreamSubscriber(options: StreamSubscriberOptions): StreamSubscriber {
  const stats: SubscriberStats = { accepted: 0, duplicates: 0, gaps: 0, subscriptions: 0 };
  let lastSeq = options.afterSeq;
  // Between asking for a subscription and its ack, events belong to the one it replaces.
  let awaitingAck = true;
  let waiters: Waiter[] = [];
  const firstSubscription = deferred<number>();

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url, {
    transports: ['websocket'],
    // Its own connection: cutting this subscriber's transport must not cut another's.
    forceNew: true,
    ...options.socketOptions,
    auth: { token: options.token },
  });

  function subscribe(): void {
    awaitingAck = true;
    socket.emit('stream.subscribe', { orgUnitId: options.orgUnitId, ...(lastSeq === undefined ? {} : { afterSeq: lastSeq }) }, onAck);
  }

  function onAck(ack: SubscribeAck): void {
    if (!ack.ok) {
      options.onError?.(ack.error);
      firstSubscription.reject(new Error(`subscription refused: ${ack.error.code} ${ack.error.message}`));
      return;
    }
    awaitingAck = false;
    stats.subscriptions += 1;
    lastSeq ??= ack.afterSeq;
    firstSubscription.resolve(ack.afterSeq);
  }

  function accept(envelope: StreamEnvelope): void {
    lastSeq = envelope.seq;
    stats.accepted += 1;
    options.onEvent?.(envelope);
    const due = waiters.filter((waiter) => waiter.seq <= envelope.seq);
    if (due.length === 0) return;
    waiters = waiters.filter((waiter) => waiter.seq > envelope.seq);
    for (const waiter of due) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  socket.on('connect', subscribe);
  socket.on('connect_error', (error) => {
    // The server refused the handshake (no automatic retry follows): give up.
    if (!socket.active) firstSubscription.reject(error);
  });
  socket.on('stream.error', (error) => options.onError?.(error));
  socket.on('stream.event', (envelope) => {
    if (awaitingAck || lastSeq === undefined) return;
    if (envelope.seq <= lastSeq) stats.duplicates += 1;
    else if (envelope.seq === lastSeq + 1) accept(envelope);
    else {
      stats.gaps += 1;
      subscribe();
    }
  });

  return {
    socket,
    get lastSeq() {
      return lastSeq;
    },
    stats,
    subscribed(timeoutMs = 10_000) {
      return withTimeout(firstSubscription.promise, timeoutMs, () => `no subscription acknowledged within ${timeoutMs} ms`);
    },
    waitForSeq(seq, timeoutMs = 10_000) {
      if (lastSeq !== undefined && lastSeq >= seq) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter.timer !== timer);
          reject(new Error(`seq ${seq} not received within ${timeoutMs} ms (last accepted: ${lastSeq ?? 'none'})`));
        }, timeoutMs);
        waiters.push({ seq, resolve, reject, timer });
      });
    },
    close() {
      socket.disconnect();
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('subscriber closed'));
      }
      waiters = [];
    },
  };
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A refusal nobody waits for must not become an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
