import { io as connectClient, type Socket } from 'socket.io-client';
import type { StreamEnvelope, SubscribeAck } from '../../server/contracts/stream-events.js';

async function subscribedClient(url: string, token: string, orgUnitId: string, onEvent: (socket: Socket, envelope: StreamEnvelope) => void): Promise<Socket> {
  const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = (await socket.timeout(30_000).emitWithAck('stream.subscribe', { orgUnitId })) as SubscribeAck;
  if (!ack.ok) throw new Error(`subscription refused: ${ack.error.code}`);
  socket.on('stream.event', (envelope: StreamEnvelope) => onEvent(socket, envelope));
  return socket;
}

/** `count` console-like clients subscribed to an org unit's live stream, connected 50 at a time. */
export async function subscribedClients(
  options: { url: string; token: string; orgUnitId: string; count: number },
  onEvent: (socket: Socket, envelope: StreamEnvelope) => void,
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let start = 0; start < options.count; start += 50) {
    const batch = Math.min(50, options.count - start);
    sockets.push(...(await Promise.all(Array.from({ length: batch }, () => subscribedClient(options.url, options.token, options.orgUnitId, onEvent)))));
  }
  return sockets;
}
