import { z } from 'zod';
import { orgUnitIdSchema } from './common.js';

/**
 * The live stream's wire contract, shared by the server and the browser console. It
 * imports nothing server-only, so the console can bundle it.
 *
 * Every streamed event carries a per-org sequence number. A client keeps the last one it
 * saw and re-subscribes with it after a reconnect; the server then sends everything after
 * it, from the database, and goes live without a gap or a duplicate.
 */

/** The kinds of event the server streams. New kinds are added here; clients ignore kinds they do not know. */
export const streamEventTypes = [
  'killswitch.changed',
  'approval.requested',
  'approval.resolved',
  'incident.opened',
  'incident.updated',
  'workflow.run.updated',
  'ledger.transfer.posted',
  'decision.made',
  'decision.outcome',
  'simulation.completed',
  'metrics.snapshot',
  'event.ingested',
] as const;
export type StreamEventType = (typeof streamEventTypes)[number];
export const streamEventTypeSchema = z.enum(streamEventTypes);

export function isStreamEventType(value: string): value is StreamEventType {
  return (streamEventTypes as readonly string[]).includes(value);
}

/** A JSON object; its shape depends on the event type. */
export const streamPayloadSchema = z.record(z.string(), z.unknown());
export type StreamPayload = z.infer<typeof streamPayloadSchema>;

export const streamSeqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const streamEnvelopeSchema = z.object({
  orgUnitId: orgUnitIdSchema,
  seq: streamSeqSchema,
  // A string, not the enum: a console built before a new type existed still parses the envelope.
  type: z.string().min(1),
  payload: streamPayloadSchema,
  /** When the event was committed, ISO 8601. */
  at: z.string().datetime({ offset: true }),
});
export type StreamEnvelope = z.infer<typeof streamEnvelopeSchema>;

export const subscribeRequestSchema = z
  .object({
    orgUnitId: orgUnitIdSchema,
    /** The last sequence number the client has; omitted, the stream starts from now. */
    afterSeq: streamSeqSchema.optional(),
  })
  .strict();
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

export const unsubscribeRequestSchema = z.object({ orgUnitId: orgUnitIdSchema }).strict();
export type UnsubscribeRequest = z.infer<typeof unsubscribeRequestSchema>;

/** The server's error codes a stream client can meet (a subset of the server's error catalog). */
export const streamErrorCodes = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
  'NOT_READY',
  'DATABASE_UNAVAILABLE',
] as const;
export type StreamErrorCode = (typeof streamErrorCodes)[number];

export const streamErrorSchema = z.object({
  code: z.enum(streamErrorCodes),
  message: z.string(),
  /** Which fields of the request were wrong, e.g. `payload.afterSeq`. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type StreamError = z.infer<typeof streamErrorSchema>;

export type StreamFailure = { ok: false; error: StreamError };

/** Sent before any event of the subscription: events with seq > afterSeq follow, in order. */
export type SubscribeAck = { ok: true; orgUnitId: string; afterSeq: number } | StreamFailure;
export type UnsubscribeAck = { ok: true; orgUnitId: string } | StreamFailure;

export type ServerToClientEvents = {
  'stream.event': (envelope: StreamEnvelope) => void;
  /** Problems not tied to an acknowledged request (rate limit, unknown event, a backfill that failed). */
  'stream.error': (error: StreamError) => void;
};

export type ClientToServerEvents = {
  'stream.subscribe': (request: SubscribeRequest, ack: (reply: SubscribeAck) => void) => void;
  'stream.unsubscribe': (request: UnsubscribeRequest, ack: (reply: UnsubscribeAck) => void) => void;
};

export const clientEventNames = ['stream.subscribe', 'stream.unsubscribe'] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Errors the socket.io handshake refuses with: `connect_error` has `message` = code and `data` = this. */
export type HandshakeRefusal = { code: 'UNAUTHENTICATED' | 'NOT_READY' | 'INTERNAL' | 'DATABASE_UNAVAILABLE'; message: string };

