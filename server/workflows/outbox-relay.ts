import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { appendStreamEvents } from '../../db/queries/stream-events.js';
import { takeOutbox, type OutboxRow } from '../../db/queries/workflow-runs.js';
import { isStreamEventType, type StreamEnvelope } from '../contracts/stream-events.js';

/**
 * Moves outbox rows into the live stream's log in one transaction (so each lands there
 * exactly once), then broadcasts them. Steps write the outbox inside their own commit,
 * which is what makes a run's updates impossible to lose.
 */
export type OutboxRelay = { kick(): void; drain(): Promise<void> };

export function createOutboxRelay(options: {
  pool: DatabasePool;
  announce: (envelopes: readonly StreamEnvelope[]) => void;
  logger: Pick<Logger, 'error'>;
  batch?: number;
}): OutboxRelay {
  const { pool, announce, logger } = options;
  const batch = options.batch ?? 1_000;
  let running: Promise<void> | undefined;
  let again = false;

  async function relayOnce(): Promise<number> {
    const envelopes = await pool.transaction(async (tx) => {
      const rows = [...(await takeOutbox(tx, batch))].sort((a, b) => a.id - b.id);
      const out: StreamEnvelope[] = [];
      for (const [orgUnitId, group] of groupByOrg(rows)) {
        const events = group.filter((row) => isStreamEventType(row.topic));
        const appended = await appendStreamEvents(tx, orgUnitId, events.map((row) => ({ type: row.topic, payloadJson: JSON.stringify(row.payload) })));
        appended.forEach((event, index) => {
          const row = events[index] as OutboxRow;
          out.push({ orgUnitId, seq: event.seq, type: row.topic, payload: row.payload, at: event.createdAt.toISOString() });
        });
      }
      return { out, taken: rows.length };
    });
    announce(envelopes.out);
    return envelopes.taken;
  }

  async function run(): Promise<void> {
    do {
      again = false;
      try {
        while ((await relayOnce()) === batch);
      } catch (error) {
        logger.error({ err: error }, 'workflows: the outbox relay failed; it retries on the next kick');
      }
    } while (again);
    running = undefined;
  }

  return {
    kick() {
      if (running) again = true;
      else running = run();
    },
    drain: () => running ?? Promise.resolve(),
  };
}

function groupByOrg(rows: readonly OutboxRow[]): Map<string, OutboxRow[]> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of [...rows].sort((a, b) => (a.org_unit_id < b.org_unit_id ? -1 : a.org_unit_id > b.org_unit_id ? 1 : a.id - b.id))) {
    const group = groups.get(row.org_unit_id) ?? [];
    group.push(row);
    groups.set(row.org_unit_id, group);
  }
  return groups;
}
