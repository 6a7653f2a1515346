import { orgUnitIdSchema } from '../contracts/common.js';
import { streamEventTypeSchema, type StreamEventType, type StreamPayload } from '../contracts/stream-events.js';
import { validationFailed, type FieldError } from '../errors/catalog.js';
import type { PendingEvent } from './stream-batcher.js';

// PostgreSQL's jsonb refuses \u0000; an unescaped one (an odd run of backslashes before it) would fail the whole batch.
const escapedNul = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/**
 * Checks an event before it joins a batch, so one bad event cannot fail the publishes it
 * would share a transaction with. Serialises the payload once: the size check and the
 * database both use that text.
 */
export function preparePublish(
  orgUnitId: string,
  type: StreamEventType,
  payload: StreamPayload,
  maxEventBytes: number,
): PendingEvent {
  const errors: FieldError[] = [];
  if (!orgUnitIdSchema.safeParse(orgUnitId).success) errors.push({ path: 'orgUnitId', message: 'is not an org unit id' });
  if (!streamEventTypeSchema.safeParse(type).success) errors.push({ path: 'type', message: `is not a stream event type (${String(type)})` });
  const payloadJson = serialise(payload);
  if (payloadJson === undefined) errors.push({ path: 'payload', message: 'must be a JSON object' });
  else if (Buffer.byteLength(payloadJson) > maxEventBytes) errors.push({ path: 'payload', message: `is larger than ${maxEventBytes} bytes as JSON` });
  else if (escapedNul.test(payloadJson)) errors.push({ path: 'payload', message: 'contains a NUL character, which the database cannot store' });
  if (errors.length > 0 || payloadJson === undefined) throw validationFailed(errors);
  return { orgUnitId, type, payload, payloadJson };
}

function serialise(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  try {
    return JSON.stringify(payload);
  } catch {
    // cycles and BigInt values
    return undefined;
  }
}
