import { actingRoles } from '../../../engine/kernel/index.js';
import { ingestEventBatchInput, ingestEventInput, ingestedEventBatchDto, ingestedEventDto, maxEventBatch } from '../../contracts/events.js';
import type { EventIngestion } from '../../ingestion/event-ingestion.js';
import { defineOperation } from '../operation.js';

/**
 * A shop (or the simulated one) posts its business events here, with the token of an agent
 * or an operator; the org unit is the token's, never the body's.
 */
export function eventOperations(deps: { ingestion: EventIngestion }) {
  return {
    ingestEvent: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/events',
      summary: 'Ingest one business event (order.placed, payout.due, …), stored once per idempotency key',
      tags: ['events'],
      access: actingRoles,
      input: ingestEventInput,
      output: ingestedEventDto,
      successStatus: 201,
      handle: (principal, event) => deps.ingestion.ingest(principal, event),
    }),
    ingestEvents: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/events/batch',
      summary: `Ingest up to ${maxEventBatch} business events in one transaction, each stored once per idempotency key`,
      tags: ['events'],
      access: actingRoles,
      input: ingestEventBatchInput,
      output: ingestedEventBatchDto,
      handle: (principal, batch) => deps.ingestion.ingestBatch(principal, batch.events),
    }),
  };
}
