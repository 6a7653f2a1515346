import type { StreamPayload } from '../contracts/stream-events.js';
import type { TransferView } from './ledger-views.js';

/** Streams one event to an org unit's live room (LiveStream.publish in the app). */
export type PublishPosted = (orgUnitId: string, type: 'ledger.transfer.posted', payload: StreamPayload) => Promise<unknown>;

/**
 * The `ledger.transfer.posted` payload: which transfer, how much moved per currency (the sum
 * of its debits, in integer minor units) and the accounts it touched.
 */
export function postedPayload(view: TransferView): StreamPayload {
  const amounts = new Map<string, number>();
  for (const leg of view.legs) if (leg.amountMinor > 0) amounts.set(leg.currency, (amounts.get(leg.currency) ?? 0) + leg.amountMinor);
  return {
    transferKey: view.transferKey,
    transferId: view.id,
    kind: view.kind,
    amounts: [...amounts].map(([currency, amountMinor]) => ({ currency, amountMinor })),
    accounts: [...new Set(view.legs.map((leg) => leg.account))],
    postedAt: view.resolvedAt ?? view.effectiveAt,
  };
}
