import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/stream-events.js';

/** What the handshake established about a connected client. */
export type LiveSocketData = { principal: Principal };

/** No events travel between server processes yet. */
type InterServerEvents = Record<never, never>;

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;

/** The room of an org unit's stream. */
export function orgRoom(orgUnitId: string): string {
  return `org:${orgUnitId}`;
}
