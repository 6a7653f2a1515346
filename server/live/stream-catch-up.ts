import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { streamEventsAfter, type StreamEventRow } from '../../db/queries/stream-events.js';
import type { StreamEnvelope } from '../contracts/stream-events.js';
import { orgRoom, type LiveServer, type LiveSocket } from './live-socket.js';

/**
 * Brings a subscriber from its last sequence number up to the live stream with no gap and
 * no duplicate. While it reads the database page by page, live events for its org unit
 * are buffered for it; once a page comes back short it sends the buffered events it has
 * not yet sent, and joins the org's room in the same synchronous step, so no broadcast can
 * fall between the buffer and the room.
 *
 * A read can see a commit before its broadcast has run; a subscriber that joined the room
 * with those events already sent is left out of their broadcast.
 */
export type Subscription = {
  readonly socket: LiveSocket;
  readonly orgUnitId: string;
  /** The highest seq this socket has, or was told the stream starts after. */
  lastSent: number;
  /** Live events broadcast since the subscription began, not yet sent. */
  buffer: StreamEnvelope[];
  /** The buffer was dropped for being too long: the database must be read once more. */
  overflowed: boolean;
  cancelled: boolean;
};

export type CatchUp = {
  /** Starts buffering live events for a new subscriber (before anything is read for it). */
  begin(socket: LiveSocket, orgUnitId: string): Subscription;
  /** Broadcasts events just committed to the org's room and buffers them for the subscribers still catching up. */
  broadcast(envelopes: readonly StreamEnvelope[]): void;
  /** Backfills then joins the room; false if the subscription was cancelled on the way. */
  run(subscription: Subscription): Promise<boolean>;
  cancel(subscription: Subscription): void;
};

export type CatchUpOptions = { io: LiveServer; pool: DatabasePool; logger: Logger; pageSize: number; bufferLimit: number };

export function createCatchUp({ io, pool, logger, pageSize, bufferLimit }: CatchUpOptions): CatchUp {
  const catchingUp = new Map<string, Set<Subscription>>();
  /** Subscribers in a room that were sent events whose broadcast has not run yet. */
  const aheadOfBroadcast = new Map<string, Set<Subscription>>();
  /** Per org unit, the highest seq broadcast by this process. */
  const broadcastUpTo = new Map<string, number>();

  function release(subscription: Subscription): void {
    removeFrom(catchingUp, subscription);
    removeFrom(aheadOfBroadcast, subscription);
  }

  function offer(subscriptions: Iterable<Subscription>, envelope: StreamEnvelope): void {
    for (const subscription of subscriptions) {
      if (envelope.seq <= subscription.lastSent) continue;
      if (subscription.buffer.length >= bufferLimit) {
        // Everything buffered is also in the database: drop it and read once more.
        subscription.buffer = [];
        subscription.overflowed = true;
      }
      subscription.buffer.push(envelope);
    }
  }

  function emitToRoom(envelope: StreamEnvelope): void {
    const room = io.to(orgRoom(envelope.orgUnitId));
    const ahead = aheadOfBroadcast.get(envelope.orgUnitId) ?? [];
    const skip: string[] = [];
    for (const subscription of ahead) {
      if (envelope.seq <= subscription.lastSent) skip.push(subscription.socket.id);
      else removeFrom(aheadOfBroadcast, subscription);
    }
    (skip.length > 0 ? room.except(skip) : room).emit('stream.event', envelope);
  }

  function send(subscription: Subscription, envelope: StreamEnvelope): void {
    subscription.socket.emit('stream.event', envelope);
    subscription.lastSent = envelope.seq;
  }

  function goLive(subscription: Subscription): void {
    release(subscription);
    const { orgUnitId, lastSent } = subscription;
    if (lastSent > (broadcastUpTo.get(orgUnitId) ?? 0)) addTo(aheadOfBroadcast, orgUnitId, subscription);
    // The in-memory adapter joins synchronously; a promise only comes from remote adapters.
    const joining = subscription.socket.join(orgRoom(subscription.orgUnitId));
    joining?.catch((error: unknown) => logger.error({ err: error }, 'live stream: joining the room failed'));
  }

  /** Sends every committed event after lastSent; returns once a read came back short with no overflow meanwhile. */
  async function backfill(subscription: Subscription): Promise<boolean> {
    let page: readonly StreamEventRow[];
    do {
      subscription.overflowed = false;
      page = await streamEventsAfter(pool, subscription.orgUnitId, subscription.lastSent, pageSize);
      if (subscription.cancelled) return false;
      for (const row of page) send(subscription, envelopeOfRow(subscription.orgUnitId, row));
    } while (page.length === pageSize || subscription.overflowed);
    return true;
  }

  return {
    begin(socket, orgUnitId) {
      const subscription: Subscription = { socket, orgUnitId, lastSent: 0, buffer: [], overflowed: false, cancelled: false };
      addTo(catchingUp, orgUnitId, subscription);
      return subscription;
    },

    broadcast(envelopes) {
      for (const envelope of envelopes) {
        emitToRoom(envelope);
        offer(catchingUp.get(envelope.orgUnitId) ?? [], envelope);
        broadcastUpTo.set(envelope.orgUnitId, Math.max(envelope.seq, broadcastUpTo.get(envelope.orgUnitId) ?? 0));
      }
    },

    async run(subscription) {
      for (;;) {
        if (!(await backfill(subscription))) return false;
        const fresh = subscription.buffer.filter((envelope) => envelope.seq > subscription.lastSent);
        subscription.buffer = [];
        // Live events from this process are contiguous; should one be missing, read the database again.
        if (!continuesFrom(fresh, subscription.lastSent)) continue;
        for (const envelope of fresh) send(subscription, envelope);
        goLive(subscription);
        return true;
      }
    },

    cancel(subscription) {
      subscription.cancelled = true;
      release(subscription);
    },
  };
}

function addTo(map: Map<string, Set<Subscription>>, orgUnitId: string, subscription: Subscription): void {
  const subscriptions = map.get(orgUnitId) ?? new Set<Subscription>();
  subscriptions.add(subscription);
  map.set(orgUnitId, subscriptions);
}

function removeFrom(map: Map<string, Set<Subscription>>, subscription: Subscription): void {
  const subscriptions = map.get(subscription.orgUnitId);
  subscriptions?.delete(subscription);
  if (subscriptions?.size === 0) map.delete(subscription.orgUnitId);
}

function continuesFrom(envelopes: readonly StreamEnvelope[], lastSeq: number): boolean {
  return envelopes.every((envelope, index) => envelope.seq === lastSeq + 1 + index);
}

function envelopeOfRow(orgUnitId: string, row: StreamEventRow): StreamEnvelope {
  return { orgUnitId, seq: row.seq, type: row.type, payload: row.payload, at: row.created_at.toISOString() };
}
