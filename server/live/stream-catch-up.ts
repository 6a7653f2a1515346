import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { streamEventsAfter, type StreamEventRow } from '../../db/queries/stream-events.js';
import type { StreamEnvelope } from '../contracts/stream-events.js';
import { orgRoom, type LiveSocket } from './live-socket.js';

/**
 * Brings a subscriber from its last sequence number up to the live stream with no gap and
 * no duplicate. While it reads the database page by page, live events for its org unit
 * are buffered for it; once a page comes back short it sends the buffered events it has
 * not yet sent, and joins the org's room in the same synchronous step, so no broadcast can
 * fall between the buffer and the room.
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
  /** Live events just committed, for the subscribers still catching up. */
  offer(envelopes: readonly StreamEnvelope[]): void;
  /** Backfills then joins the room; false if the subscription was cancelled on the way. */
  run(subscription: Subscription): Promise<boolean>;
  cancel(subscription: Subscription): void;
};

export type CatchUpOptions = { pool: DatabasePool; logger: Logger; pageSize: number; bufferLimit: number };

export function createCatchUp({ pool, logger, pageSize, bufferLimit }: CatchUpOptions): CatchUp {
  const catchingUp = new Map<string, Set<Subscription>>();

  function release(subscription: Subscription): void {
    const subscriptions = catchingUp.get(subscription.orgUnitId);
    subscriptions?.delete(subscription);
    if (subscriptions?.size === 0) catchingUp.delete(subscription.orgUnitId);
  }

  function send(subscription: Subscription, envelope: StreamEnvelope): void {
    subscription.socket.emit('stream.event', envelope);
    subscription.lastSent = envelope.seq;
  }

  function goLive(subscription: Subscription): void {
    release(subscription);
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
      const subscriptions = catchingUp.get(orgUnitId) ?? new Set<Subscription>();
      subscriptions.add(subscription);
      catchingUp.set(orgUnitId, subscriptions);
      return subscription;
    },

    offer(envelopes) {
      for (const envelope of envelopes) {
        for (const subscription of catchingUp.get(envelope.orgUnitId) ?? []) {
          if (envelope.seq <= subscription.lastSent) continue;
          if (subscription.buffer.length >= bufferLimit) {
            // Everything buffered is also in the database: drop it and read once more.
            subscription.buffer = [];
            subscription.overflowed = true;
          }
          subscription.buffer.push(envelope);
        }
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

function continuesFrom(envelopes: readonly StreamEnvelope[], lastSeq: number): boolean {
  return envelopes.every((envelope, index) => envelope.seq === lastSeq + 1 + index);
}

function envelopeOfRow(orgUnitId: string, row: StreamEventRow): StreamEnvelope {
  return { orgUnitId, seq: row.seq, type: row.type, payload: row.payload, at: row.created_at.toISOString() };
}
