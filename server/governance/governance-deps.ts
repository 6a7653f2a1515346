import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { Actor } from '../../engine/governance/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import type { StreamEventType, StreamPayload } from '../contracts/stream-events.js';
import type { AuditWriter } from './audit-writer.js';

/** Streams an event to the org unit's live room (LiveStream.publish in the app). */
export type Publish = (orgUnitId: string, type: StreamEventType, payload: StreamPayload) => Promise<unknown>;

export type GovernanceLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** What every governance service is built from; each takes only these, explicitly. */
export type GovernanceDeps = Readonly<{
  pool: DatabasePool;
  audit: AuditWriter;
  publish: Publish;
  clock: Clock;
  logger: GovernanceLogger;
}>;

/** The actor for work the server does on its own behalf (sweeps, built-in installs). */
export const systemActor: Actor = Object.freeze({ id: 'system', kind: 'system', role: 'system' });

/**
 * Streams after a commit. The change is already durable, so a failed publish is logged,
 * not thrown: clients that missed it see it on their next read.
 */
export async function publishCommitted(deps: Pick<GovernanceDeps, 'publish' | 'logger'>, orgUnitId: string, type: StreamEventType, payload: StreamPayload): Promise<void> {
  try {
    await deps.publish(orgUnitId, type, payload);
  } catch (error) {
    deps.logger.error({ err: error, orgUnitId, type }, 'governance: a committed change could not be streamed');
  }
}

export const isoTime = (date: Date | null): string | null => (date === null ? null : date.toISOString());
