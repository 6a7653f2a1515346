import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { accountKinds, balanceRules, transferKinds, transferStatuses, type AccountKind, type BalanceRule, type TransferKind, type TransferStatus } from '../../engine/ledger/index.js';

/**
 * The double-entry ledger (db/migrations/004_finance.sql). Entries are append-only; a hold's
 * entries are written when it is created and count only while its transfer is pending (as
 * pending) or once it is posted. Voiding or expiring a hold changes the transfer's status,
 * never its entries.
 */

export const accountRow = z.object({
  id: z.string().uuid(),
  path: z.string(),
  currency: z.string(),
  kind: z.enum(accountKinds),
  balance_rule: z.enum(balanceRules),
});
export type AccountRow = z.infer<typeof accountRow>;

/** Creates the accounts that do not exist yet (in a fixed order, so concurrent callers never deadlock) and returns them all. */
export async function ensureAccounts(
  db: CommonQueryMethods,
  args: { orgUnitId: string; accounts: readonly { path: string; currency: string; kind: AccountKind; balanceRule: BalanceRule }[] },
): Promise<readonly AccountRow[]> {
  const tuples = [...args.accounts]
    .sort((a, b) => (a.path === b.path ? cmp(a.currency, b.currency) : cmp(a.path, b.path)))
    .map((a) => [a.path, a.currency, a.kind, a.balanceRule]);
  await db.query(sql.unsafe`
    INSERT INTO ledger_accounts (org_unit_id, path, currency, kind, balance_rule)
    SELECT ${args.orgUnitId}, path, currency, kind, balance_rule
      FROM ${sql.unnest(tuples, ['text', 'text', 'text', 'text'])} AS t(path, currency, kind, balance_rule)
    ON CONFLICT (org_unit_id, path, currency) DO NOTHING`);
  return db.any(sql.type(accountRow)`
    SELECT a.id, a.path, a.currency::text AS currency, a.kind, a.balance_rule
      FROM ledger_accounts a
      JOIN ${sql.unnest(tuples.map(([path, currency]) => [path, currency]), ['text', 'text'])} AS t(path, currency)
        ON a.path = t.path AND a.currency = t.currency
     WHERE a.org_unit_id = ${args.orgUnitId}`);
}

/**
 * Locks accounts whose balance rule must be checked, sorted by id so two transactions
 * always queue in the same order and never deadlock. FOR NO KEY UPDATE rather than FOR
 * UPDATE: inserting an entry takes FOR KEY SHARE on its account (the foreign key), which
 * FOR UPDATE would conflict with, making unconstrained legs wait on constrained locks.
 */
export async function lockAccounts(db: CommonQueryMethods, args: { accountIds: readonly string[] }): Promise<void> {
  if (args.accountIds.length === 0) return;
  await db.query(sql.unsafe`
    SELECT id FROM ledger_accounts WHERE id = ANY(${sql.array([...args.accountIds], 'uuid')}) ORDER BY id FOR NO KEY UPDATE`);
}

export const standingRow = z.object({
  account_id: z.string().uuid(),
  posted_minor: z.number(),
  pending_debits_minor: z.number(),
  pending_credits_minor: z.number(),
});
export type StandingRow = z.infer<typeof standingRow>;

/** Posted sum and pending debits/credits per account, from the entries themselves. */
export async function accountStandings(db: CommonQueryMethods, args: { accountIds: readonly string[] }): Promise<readonly StandingRow[]> {
  if (args.accountIds.length === 0) return [];
  return db.any(sql.type(standingRow)`
    SELECT e.account_id,
           coalesce(sum(e.amount_minor) FILTER (WHERE t.status = 'posted'), 0)::int8 AS posted_minor,
           coalesce(sum(e.amount_minor) FILTER (WHERE t.status = 'pending' AND e.amount_minor > 0), 0)::int8 AS pending_debits_minor,
           coalesce(sum(e.amount_minor) FILTER (WHERE t.status = 'pending' AND e.amount_minor < 0), 0)::int8 AS pending_credits_minor
      FROM ledger_entries e
      JOIN ledger_transfers t ON t.id = e.transfer_id
     WHERE e.account_id = ANY(${sql.array([...args.accountIds], 'uuid')})
     GROUP BY e.account_id`);
}

export const transferRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  transfer_key: z.string(),
  kind: z.enum(transferKinds),
  status: z.enum(transferStatuses),
  reverses_id: z.string().uuid().nullable(),
  hold_expires_at: z.date().nullable(),
  description: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  effective_at: z.date(),
  created_at: z.date(),
  resolved_at: z.date().nullable(),
});
export type TransferRow = z.infer<typeof transferRow>;

const transferColumns = sql.fragment`id, org_unit_id, transfer_key, kind, status, reverses_id, hold_expires_at, description, metadata,
  effective_at, created_at, resolved_at`;

export type NewTransfer = Readonly<{
  transferKey: string;
  kind: TransferKind;
  reversesId: string | null;
  holdExpiresAt: Date | null;
  description: string;
  metadataJson: string;
}>;

/**
 * Inserts transfers in key order; a key that already exists (or that a concurrent
 * transaction commits first) is skipped. Returns the rows it inserted.
 */
export async function insertTransfers(
  db: CommonQueryMethods,
  args: { orgUnitId: string; at: Date; transfers: readonly NewTransfer[] },
): Promise<readonly TransferRow[]> {
  if (args.transfers.length === 0) return [];
  const tuples = [...args.transfers]
    .sort((a, b) => cmp(a.transferKey, b.transferKey))
    .map((t) => [t.transferKey, t.kind, t.kind === 'hold' ? 'pending' : 'posted', t.reversesId, t.holdExpiresAt?.toISOString() ?? null, t.description, t.metadataJson]);
  return db.any(sql.type(transferRow)`
    INSERT INTO ledger_transfers (org_unit_id, transfer_key, kind, status, reverses_id, hold_expires_at, description, metadata, effective_at, created_at)
    SELECT ${args.orgUnitId}, transfer_key, kind, status, reverses_id, hold_expires_at, description, metadata, ${sql.timestamp(args.at)}, ${sql.timestamp(args.at)}
      FROM ${sql.unnest(tuples, ['text', 'text', 'text', 'uuid', 'timestamptz', 'text', 'jsonb'])}
        AS t(transfer_key, kind, status, reverses_id, hold_expires_at, description, metadata)
    ON CONFLICT (org_unit_id, transfer_key) DO NOTHING
    RETURNING ${transferColumns}`);
}

export const insertedTransferRow = z.object({ id: z.string(), transfer_key: z.string() });

/**
 * Inserts transfers and their entries in one statement, for batches that touch no account
 * with a balance rule (nothing to check between the two). Keys that exist already are
 * skipped with their legs. Returns the ids of the transfers it inserted.
 */
export async function insertTransfersWithEntries(
  db: CommonQueryMethods,
  args: { orgUnitId: string; at: Date; transfers: readonly NewTransfer[]; legs: readonly { transferKey: string; accountId: string; currency: string; amountMinor: number }[] },
): Promise<readonly z.infer<typeof insertedTransferRow>[]> {
  if (args.transfers.length === 0) return [];
  const tuples = [...args.transfers]
    .sort((a, b) => cmp(a.transferKey, b.transferKey))
    .map((t) => [t.transferKey, t.kind, t.kind === 'hold' ? 'pending' : 'posted', t.reversesId, t.holdExpiresAt?.toISOString() ?? null, t.description, t.metadataJson]);
  const legs = args.legs.map((l) => [l.transferKey, l.accountId, l.currency, l.amountMinor]);
  const at = sql.timestamp(args.at);
  return db.any(sql.type(insertedTransferRow)`
    WITH inserted AS (
      INSERT INTO ledger_transfers (org_unit_id, transfer_key, kind, status, reverses_id, hold_expires_at, description, metadata, effective_at, created_at)
      SELECT ${args.orgUnitId}, transfer_key, kind, status, reverses_id, hold_expires_at, description, metadata, ${at}, ${at}
        FROM ${sql.unnest(tuples, ['text', 'text', 'text', 'uuid', 'timestamptz', 'text', 'jsonb'])}
          AS t(transfer_key, kind, status, reverses_id, hold_expires_at, description, metadata)
      ON CONFLICT (org_unit_id, transfer_key) DO NOTHING
      RETURNING id, transfer_key
    ), entries AS (
      INSERT INTO ledger_entries (org_unit_id, transfer_id, account_id, currency, amount_minor, created_at)
      SELECT ${args.orgUnitId}, i.id, l.account_id, l.currency, l.amount_minor, ${at}
        FROM ${sql.unnest(legs, ['text', 'uuid', 'text', 'int8'])} AS l(transfer_key, account_id, currency, amount_minor)
        JOIN inserted i ON i.transfer_key = l.transfer_key
    )
    SELECT id::text AS id, transfer_key FROM inserted`);
}

/** Removes transfers this transaction inserted but then refused (their entries were never written). */
export async function deleteUnwrittenTransfers(db: CommonQueryMethods, args: { orgUnitId: string; ids: readonly string[] }): Promise<void> {
  if (args.ids.length === 0) return;
  await db.query(sql.unsafe`
    DELETE FROM ledger_transfers t
     WHERE t.org_unit_id = ${args.orgUnitId} AND t.id = ANY(${sql.array([...args.ids], 'uuid')})
       AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transfer_id = t.id)`);
}

export type NewEntry = Readonly<{ transferId: string; accountId: string; currency: string; amountMinor: number }>;

export async function insertEntries(db: CommonQueryMethods, args: { orgUnitId: string; at: Date; entries: readonly NewEntry[] }): Promise<void> {
  if (args.entries.length === 0) return;
  const tuples = args.entries.map((e) => [e.transferId, e.accountId, e.currency, e.amountMinor]);
  await db.query(sql.unsafe`
    INSERT INTO ledger_entries (org_unit_id, transfer_id, account_id, currency, amount_minor, created_at)
    SELECT ${args.orgUnitId}, transfer_id, account_id, currency, amount_minor, ${sql.timestamp(args.at)}
      FROM ${sql.unnest(tuples, ['uuid', 'uuid', 'text', 'int8'])} AS t(transfer_id, account_id, currency, amount_minor)`);
}

export async function findTransfersByKeys(db: CommonQueryMethods, args: { orgUnitId: string; keys: readonly string[] }): Promise<readonly TransferRow[]> {
  if (args.keys.length === 0) return [];
  return db.any(sql.type(transferRow)`
    SELECT ${transferColumns} FROM ledger_transfers
     WHERE org_unit_id = ${args.orgUnitId} AND transfer_key = ANY(${sql.array([...args.keys], 'text')})`);
}

export async function findTransferById(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferRow)`SELECT ${transferColumns} FROM ledger_transfers WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** Locks one transfer row (a reversal or a hold transition checks it under this lock). */
export async function lockTransferByKey(db: CommonQueryMethods, args: { orgUnitId: string; key: string }): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferRow)`
    SELECT ${transferColumns} FROM ledger_transfers WHERE org_unit_id = ${args.orgUnitId} AND transfer_key = ${args.key} FOR NO KEY UPDATE`);
}

export async function findReversalOf(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<TransferRow | null> {
  return db.maybeOne(sql.type(transferRow)`
    SELECT ${transferColumns} FROM ledger_transfers WHERE org_unit_id = ${args.orgUnitId} AND reverses_id = ${args.id} LIMIT 1`);
}

export const entryRow = z.object({
  transfer_id: z.string().uuid(),
  account: z.string(),
  currency: z.string(),
  amount_minor: z.number(),
});
export type EntryRow = z.infer<typeof entryRow>;

export async function entriesOfTransfers(db: CommonQueryMethods, args: { transferIds: readonly string[] }): Promise<readonly EntryRow[]> {
  if (args.transferIds.length === 0) return [];
  return db.any(sql.type(entryRow)`
    SELECT e.transfer_id, a.path AS account, e.currency::text AS currency, e.amount_minor
      FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
     WHERE e.transfer_id = ANY(${sql.array([...args.transferIds], 'uuid')})
     ORDER BY e.id`);
}

/**
 * pending → posted | voided | expired, conditional on the hold still being pending (and,
 * for post and void, not yet due). Null when it was not pending.
 */
export async function resolveHold(
  db: CommonQueryMethods,
  args: { orgUnitId: string; key: string; to: Exclude<TransferStatus, 'pending'>; at: Date },
): Promise<TransferRow | null> {
  const due = args.to === 'expired' ? sql.fragment`hold_expires_at <= ${sql.timestamp(args.at)}` : sql.fragment`hold_expires_at > ${sql.timestamp(args.at)}`;
  return db.maybeOne(sql.type(transferRow)`
    UPDATE ledger_transfers SET status = ${args.to}, resolved_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND transfer_key = ${args.key} AND kind = 'hold' AND status = 'pending' AND ${due}
    RETURNING ${transferColumns}`);
}

/** Expires every hold due at `at`, across org units, at most `limit` at a time (oldest first). */
export async function expireDueHolds(db: CommonQueryMethods, args: { at: Date; limit: number }): Promise<readonly TransferRow[]> {
  return db.any(sql.type(transferRow)`
    UPDATE ledger_transfers SET status = 'expired', resolved_at = ${sql.timestamp(args.at)}
     WHERE id IN (SELECT id FROM ledger_transfers
                   WHERE status = 'pending' AND hold_expires_at <= ${sql.timestamp(args.at)}
                   ORDER BY hold_expires_at LIMIT ${args.limit} FOR UPDATE SKIP LOCKED)
    RETURNING ${transferColumns}`);
}

export const balanceRow = z.object({
  path: z.string(),
  currency: z.string(),
  kind: z.enum(accountKinds),
  balance_rule: z.enum(balanceRules),
  posted_minor: z.number(),
  pending_debits_minor: z.number(),
  pending_credits_minor: z.number(),
});
export type BalanceRow = z.infer<typeof balanceRow>;

/**
 * Balances per account. With `asOf`, the posted balance at that instant: transfers posted
 * by then (a hold counts from when it was posted) and pending ones created by then and
 * still pending at that instant.
 */
export async function accountBalances(
  db: CommonQueryMethods,
  args: { orgUnitId: string; path?: string; currency?: string; asOf?: Date },
): Promise<readonly BalanceRow[]> {
  const asOf = args.asOf ? sql.timestamp(args.asOf) : sql.fragment`'infinity'::timestamptz`;
  const postedAt = sql.fragment`coalesce(CASE WHEN t.kind = 'hold' THEN t.resolved_at END, t.effective_at)`;
  const pendingThen = sql.fragment`(t.kind = 'hold' AND t.created_at <= ${asOf} AND (t.status = 'pending' OR t.resolved_at > ${asOf}))`;
  return db.any(sql.type(balanceRow)`
    SELECT a.path, a.currency::text AS currency, a.kind, a.balance_rule,
           coalesce(sum(e.amount_minor) FILTER (WHERE t.status = 'posted' AND ${postedAt} <= ${asOf}), 0)::int8 AS posted_minor,
           coalesce(sum(e.amount_minor) FILTER (WHERE ${pendingThen} AND e.amount_minor > 0), 0)::int8 AS pending_debits_minor,
           coalesce(sum(e.amount_minor) FILTER (WHERE ${pendingThen} AND e.amount_minor < 0), 0)::int8 AS pending_credits_minor
      FROM ledger_accounts a
      LEFT JOIN ledger_entries e ON e.account_id = a.id
      LEFT JOIN ledger_transfers t ON t.id = e.transfer_id
     WHERE a.org_unit_id = ${args.orgUnitId}
       ${args.path === undefined ? sql.fragment`` : sql.fragment`AND a.path = ${args.path}`}
       ${args.currency === undefined ? sql.fragment`` : sql.fragment`AND a.currency = ${args.currency}`}
     GROUP BY a.id, a.path, a.currency, a.kind, a.balance_rule
     ORDER BY a.path, a.currency`);
}

export const trialBalanceRow = z.object({ currency: z.string(), debits_minor: z.number(), credits_minor: z.number() });
export type TrialBalanceRow = z.infer<typeof trialBalanceRow>;

/** Posted debits and credits per currency; a sound ledger has them equal and opposite. */
export async function trialBalance(db: CommonQueryMethods, args: { orgUnitId: string }): Promise<readonly TrialBalanceRow[]> {
  return db.any(sql.type(trialBalanceRow)`
    SELECT e.currency::text AS currency,
           coalesce(sum(e.amount_minor) FILTER (WHERE e.amount_minor > 0), 0)::int8 AS debits_minor,
           coalesce(sum(e.amount_minor) FILTER (WHERE e.amount_minor < 0), 0)::int8 AS credits_minor
      FROM ledger_entries e JOIN ledger_transfers t ON t.id = e.transfer_id
     WHERE e.org_unit_id = ${args.orgUnitId} AND t.status = 'posted'
     GROUP BY e.currency ORDER BY e.currency`);
}

export const clearingItemRow = z.object({ reference: z.string(), currency: z.string(), amount_minor: z.number() });

/** Posted transfers effective in [from, to) that touch the account, with their net amount on it. */
export async function transfersOnAccount(
  db: CommonQueryMethods,
  args: { orgUnitId: string; path: string; from: Date; to: Date },
): Promise<readonly z.infer<typeof clearingItemRow>[]> {
  return db.any(sql.type(clearingItemRow)`
    SELECT t.transfer_key AS reference, e.currency::text AS currency, sum(e.amount_minor)::int8 AS amount_minor
      FROM ledger_transfers t
      JOIN ledger_entries e ON e.transfer_id = t.id
      JOIN ledger_accounts a ON a.id = e.account_id
     WHERE t.org_unit_id = ${args.orgUnitId} AND a.path = ${args.path} AND t.status = 'posted'
       AND t.effective_at >= ${sql.timestamp(args.from)} AND t.effective_at < ${sql.timestamp(args.to)}
     GROUP BY t.transfer_key, e.currency`);
}

/** Net amount per transfer key and currency on the account, whatever the period. */
export async function transfersOnAccountByKeys(
  db: CommonQueryMethods,
  args: { orgUnitId: string; path: string; keys: readonly string[] },
): Promise<readonly z.infer<typeof clearingItemRow>[]> {
  if (args.keys.length === 0) return [];
  return db.any(sql.type(clearingItemRow)`
    SELECT t.transfer_key AS reference, e.currency::text AS currency, sum(e.amount_minor)::int8 AS amount_minor
      FROM ledger_transfers t
      JOIN ledger_entries e ON e.transfer_id = t.id
      JOIN ledger_accounts a ON a.id = e.account_id
     WHERE t.org_unit_id = ${args.orgUnitId} AND a.path = ${args.path} AND t.status = 'posted'
       AND t.transfer_key = ANY(${sql.array([...args.keys], 'text')})
     GROUP BY t.transfer_key, e.currency`);
}

function cmp(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
