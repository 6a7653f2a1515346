import { getContext, setContext } from 'svelte';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, StreamEnvelope, SubscribeAck } from './types';

type Listener = (envelope: StreamEnvelope) => void;
export type LiveStatus = 'connecting' | 'live' | 'paused' | 'reconnecting';

const keptEvents = 100;

/**
 * The live stream of one org unit. It remembers the last sequence number seen, and every
 * (re)subscription asks for what came after it: after a dropped connection or a pause the
 * server backfills the gap from its database, so nothing is missed or shown twice.
 */
export class LiveFeed {
  status = $state<LiveStatus>('connecting');
  lastSeq = $state<number | undefined>(undefined);
  recent = $state<StreamEnvelope[]>([]);
  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  #listeners = new Set<Listener>();

  constructor(readonly orgUnitId: string) {}

  start(): void {
    // The session cookie rides on the handshake; the token never appears in page code.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket'], withCredentials: true });
    this.#socket = socket;
    socket.on('connect', () => this.#subscribe(socket));
    socket.on('disconnect', () => {
      if (this.status !== 'paused') this.status = 'reconnecting';
    });
    socket.on('connect_error', () => {
      if (this.status !== 'paused') this.status = 'reconnecting';
    });
    socket.on('stream.event', (envelope) => this.#receive(envelope));
  }

  #subscribe(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
    const request = this.lastSeq === undefined ? { orgUnitId: this.orgUnitId } : { orgUnitId: this.orgUnitId, afterSeq: this.lastSeq };
    socket.emit('stream.subscribe', request, (ack: SubscribeAck) => {
      this.status = ack.ok ? 'live' : 'reconnecting';
      if (ack.ok && this.lastSeq === undefined) this.lastSeq = ack.afterSeq;
    });
  }

  #receive(envelope: StreamEnvelope): void {
    if (this.lastSeq !== undefined && envelope.seq <= this.lastSeq) return;
    this.lastSeq = envelope.seq;
    this.recent = [envelope, ...this.recent].slice(0, keptEvents);
    for (const listener of this.#listeners) listener(envelope);
  }

  /** Paused, the page stops changing under the reader; resuming backfills what was missed. */
  pause(): void {
    this.status = 'paused';
    this.#socket?.disconnect();
  }

  resume(): void {
    this.status = 'connecting';
    this.#socket?.connect();
  }

  stop(): void {
    this.#socket?.disconnect();
    this.#listeners.clear();
  }

  /** Calls `listener` for every new event of these types; returns the unsubscribe. */
  on(types: readonly string[], listener: Listener): () => void {
    const filtered: Listener = (envelope) => {
      if (types.includes(envelope.type)) listener(envelope);
    };
    this.#listeners.add(filtered);
    return () => this.#listeners.delete(filtered);
  }
}

const key = Symbol('live');
export const provideLive = (feed: LiveFeed): LiveFeed => setContext(key, feed);
export const useLive = (): LiveFeed => getContext<LiveFeed>(key);

/** In a component: run `refresh` whenever one of these event types arrives (the effect unsubscribes on destroy). */
export function refreshOn(feed: LiveFeed, types: readonly string[], refresh: () => void): void {
  $effect(() => feed.on(types, refresh));
}
