import { sql } from 'slonik';
import { z } from 'zod';
import { insertEventOnce } from '../../../db/queries/events.js';
import type { LedgerService } from '../../../server/ledger/ledger-service.js';
import type { TestDatabase } from '../database.js';

/** Books for payout tests, written through the real ledger service: sales collected, refunds, disputes, holds, statements. */

export const utcDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** A card sale: charged through the processor's clearing account, then settled into cash. */
export async function bookSale(ledger: LedgerService, orgUnitId: string, key: string, amountMinor: number): Promise<string[]> {
  await ledger.transfer({ orgUnitId, transferKey: `charge:${key}`, legs: [{ account: 'processor:clearing', currency: 'USD', amountMinor }, { account: 'revenue:sales', currency: 'USD', amountMinor: -amountMinor }] });
  await ledger.transfer({ orgUnitId, transferKey: `settle:${key}`, legs: [{ account: 'platform:cash', currency: 'USD', amountMinor }, { account: 'processor:clearing', currency: 'USD', amountMinor: -amountMinor }] });
  return [`charge:${key}`, `settle:${key}`];
}

export async function bookRefund(ledger: LedgerService, orgUnitId: string, key: string, amountMinor: number): Promise<void> {
  await ledger.transfer({ orgUnitId, transferKey: `refund:${key}`, legs: [{ account: 'revenue:refunds', currency: 'USD', amountMinor }, { account: 'platform:cash', currency: 'USD', amountMinor: -amountMinor }] });
}

/** Another payout's earmark, still pending. */
export async function holdOtherPayout(ledger: LedgerService, orgUnitId: string, key: string, amountMinor: number): Promise<void> {
  await ledger.transfer({
    orgUnitId,
    transferKey: `other-payout:${key}`,
    legs: [{ account: 'reserve:payouts', currency: 'USD', amountMinor }, { account: 'platform:cash', currency: 'USD', amountMinor: -amountMinor }],
    hold: { expiresAt: new Date(Date.now() + 86_400_000) },
  });
}

/** The processor's statement for the period: every charge and settlement as booked, or one of them off by a cent. */
export async function importStatement(ledger: LedgerService, orgUnitId: string, period: { start: string; end: string }, sales: readonly { key: string; amountMinor: number }[], match: boolean) {
  const lines = sales.flatMap((sale, index) => [
    { reference: `charge:${sale.key}`, currency: 'USD', amountMinor: sale.amountMinor + (!match && index === 0 ? 1 : 0) },
    { reference: `settle:${sale.key}`, currency: 'USD', amountMinor: -sale.amountMinor },
  ]);
  return ledger.importStatement(orgUnitId, { periodStart: period.start, periodEnd: period.end, format: 'json', text: JSON.stringify({ lines }), source: `processor-${period.start}-${period.end}` });
}

/** The shop's metrics snapshot, which the runway policy's projection for a payout starts from. */
export async function recordCashSnapshot(db: TestDatabase, orgUnitId: string, cashMinor: number, runwayDays: number): Promise<void> {
  await insertEventOnce(db.pool, {
    orgUnitId,
    type: 'metrics.snapshot',
    idempotencyKey: `snapshot-${orgUnitId}-${Date.now()}`,
    source: 'test',
    payload: { revenueMinor: 0, orders: 0, marginPercent: 0.3, cashMinor, runwayDays },
    occurredAt: new Date(),
  });
}

export async function payoutTransfers(db: TestDatabase, orgUnitId: string, payoutId: string) {
  return db.pool.any(sql.type(z.object({ transfer_key: z.string(), status: z.string() }))`
    SELECT transfer_key, status FROM ledger_transfers WHERE org_unit_id = ${orgUnitId} AND transfer_key LIKE ${`payout:${payoutId}%`} ORDER BY transfer_key`);
}
