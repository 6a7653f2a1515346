import canonicalize from 'canonicalize';
import type { CommonQueryMethods, DatabasePool } from 'slonik';
import {
  accountStandings,
  deleteUnwrittenTransfers,
  ensureAccounts,
  entriesOfTransfers,
  findTransfersByKeys,
  insertEntries,
  insertTransfers,
  insertTransfersWithEntries,
  lockAccounts,
  type NewTransfer,
  type AccountRow,
  type TransferRow,
} from '../../db/queries/ledger.js';
import { accountKey, accountTraits, legProblems, sameLegs, tryApply, type AccountStanding, type BalanceRule, type Leg, type TransferKind } from '../../engine/ledger/index.js';
import { AppError } from '../errors/catalog.js';
import { transferView, type TransferView } from './ledger-views.js';

/** A transfer as checked and ready to write. */
export type PreparedTransfer = Readonly<{
  transferKey: string;
  kind: TransferKind;
  legs: readonly Leg[];
  description: string;
  metadata: Readonly<Record<string, unknown>>;
  holdExpiresAt: Date | null;
  reversesId: string | null;
}>;

export type TransferOutcome = { ok: true; transfer: TransferView; replayed: boolean } | { ok: false; error: AppError };

export const maxKeyLength = 200;
export const maxDescriptionLength = 1000;

/** The first problem with a transfer's shape, as an AppError; undefined when it may be written. */
export function transferProblem(t: PreparedTransfer, nowMs: number): AppError | undefined {
  const problems = legProblems(t.legs).map((p) => ({ path: p.path, message: p.message }));
  if (t.transferKey.length === 0 || t.transferKey.length > maxKeyLength) problems.push({ path: 'transferKey', message: `must be 1 to ${maxKeyLength} characters` });
  if (t.description.length > maxDescriptionLength) problems.push({ path: 'description', message: `must be at most ${maxDescriptionLength} characters` });
  if (t.holdExpiresAt !== null && !(t.holdExpiresAt.getTime() > nowMs)) problems.push({ path: 'hold.expiresAt', message: 'must be in the future' });
  if (problems.length === 0) return undefined;
  const unbalancedOnly = problems.every((p) => p.path === 'legs' && p.message.includes('sum to'));
  const message = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new AppError(unbalancedOnly ? 'LEDGER_UNBALANCED' : 'VALIDATION_FAILED', message, { errors: problems });
}

/**
 * Accounts by org unit, path and currency. Rows are only cached after the transaction
 * that created them committed, and accounts are never deleted, so the cache cannot lie.
 */
export type AccountCache = Map<string, AccountRow>;

const cacheKey = (orgUnitId: string, account: string, currency: string) => `${orgUnitId}\u0000${accountKey(account, currency)}`;

export async function resolveAccounts(pool: DatabasePool, cache: AccountCache, orgUnitId: string, legs: readonly Leg[]): Promise<void> {
  const wanted = new Map<string, { path: string; currency: string }>();
  for (const leg of legs) {
    const key = cacheKey(orgUnitId, leg.account, leg.currency);
    if (!cache.has(key)) wanted.set(key, { path: leg.account, currency: leg.currency });
  }
  if (wanted.size === 0) return;
  const rows = await pool.transaction((tx) =>
    ensureAccounts(tx, { orgUnitId, accounts: [...wanted.values()].map((a) => ({ ...a, ...accountTraitsRow(a.path) })) }),
  );
  for (const row of rows) cache.set(cacheKey(orgUnitId, row.path, row.currency), row);
}

function accountTraitsRow(path: string): { kind: AccountRow['kind']; balanceRule: BalanceRule } {
  const traits = accountTraits(path);
  return { kind: traits.kind, balanceRule: traits.balanceRule };
}

function accountOf(cache: AccountCache, orgUnitId: string, leg: Leg): AccountRow {
  const row = cache.get(cacheKey(orgUnitId, leg.account, leg.currency));
  if (!row) throw new Error(`ledger: account ${leg.account} ${leg.currency} was not resolved before writing`);
  return row;
}

/**
 * Writes checked transfers inside the caller's transaction, in order: new keys are
 * inserted, constrained accounts locked (sorted by id) and the balance rules applied one
 * transfer at a time, so one overdraft refuses only its own transfer. Keys that exist
 * already are replays: the stored transfer when the payload is the same, a conflict if not.
 */
export async function writeTransfers(
  tx: CommonQueryMethods,
  cache: AccountCache,
  args: { orgUnitId: string; at: Date; transfers: readonly PreparedTransfer[] },
): Promise<TransferOutcome[]> {
  const { orgUnitId, at, transfers } = args;
  const rules = new Map<string, BalanceRule>();
  for (const t of transfers) {
    for (const leg of t.legs) {
      const account = accountOf(cache, orgUnitId, leg);
      if (account.balance_rule !== 'none') rules.set(account.id, account.balance_rule);
    }
  }
  const newTransfers = transfers.map((t) => ({
    transferKey: t.transferKey,
    kind: t.kind,
    reversesId: t.reversesId,
    holdExpiresAt: t.holdExpiresAt,
    description: t.description,
    metadataJson: JSON.stringify(t.metadata),
  }));
  if (rules.size === 0) return writeUnconstrained(tx, cache, args, newTransfers);
  const inserted = await insertTransfers(tx, { orgUnitId, at, transfers: newTransfers });
  const insertedByKey = new Map(inserted.map((row) => [row.transfer_key, row]));

  const constrained = [...rules.keys()].sort();
  await lockAccounts(tx, { accountIds: constrained });
  const standings = new Map<string, AccountStanding>(
    (await accountStandings(tx, { accountIds: constrained })).map((row) => [
      row.account_id,
      { postedMinor: row.posted_minor, pendingDebitsMinor: row.pending_debits_minor, pendingCreditsMinor: row.pending_credits_minor },
    ]),
  );

  const outcomes = new Map<string, TransferOutcome>();
  const refused: string[] = [];
  const entries: { transferId: string; accountId: string; currency: string; amountMinor: number }[] = [];
  for (const t of transfers) {
    const row = insertedByKey.get(t.transferKey);
    if (!row) continue;
    const changes = t.legs.map((leg) => ({ key: accountOf(cache, orgUnitId, leg).id, amountMinor: leg.amountMinor, pending: t.kind === 'hold' }));
    const applied = tryApply(standings, rules, changes);
    if (!applied.ok) {
      refused.push(row.id);
      const leg = t.legs.find((l) => accountOf(cache, orgUnitId, l).id === applied.key);
      outcomes.set(t.transferKey, {
        ok: false,
        error: new AppError('LEDGER_INSUFFICIENT_FUNDS', `${leg?.account ?? 'an account'} ${leg?.currency ?? ''} would break its balance rule`.trim(), {
          transferKey: t.transferKey,
          account: leg?.account,
          currency: leg?.currency,
        }),
      });
      continue;
    }
    for (const leg of t.legs) entries.push({ transferId: row.id, accountId: accountOf(cache, orgUnitId, leg).id, currency: leg.currency, amountMinor: leg.amountMinor });
    outcomes.set(t.transferKey, { ok: true, replayed: false, transfer: transferView(row, t.legs.map((l) => ({ transfer_id: row.id, account: l.account, currency: l.currency, amount_minor: l.amountMinor }))) });
  }
  await insertEntries(tx, { orgUnitId, at, entries });
  await deleteUnwrittenTransfers(tx, { orgUnitId, ids: refused });

  await addReplays(tx, orgUnitId, transfers.filter((t) => !insertedByKey.has(t.transferKey)), outcomes);
  return transfers.map((t) => outcomes.get(t.transferKey) ?? { ok: false, error: new AppError('INTERNAL') });
}

/** No balance rule to check: transfers and entries go in with one statement. */
async function writeUnconstrained(
  tx: CommonQueryMethods,
  cache: AccountCache,
  args: { orgUnitId: string; at: Date; transfers: readonly PreparedTransfer[] },
  newTransfers: readonly NewTransfer[],
): Promise<TransferOutcome[]> {
  const { orgUnitId, at, transfers } = args;
  const legs = transfers.flatMap((t) => t.legs.map((leg) => ({ transferKey: t.transferKey, accountId: accountOf(cache, orgUnitId, leg).id, currency: leg.currency, amountMinor: leg.amountMinor })));
  const inserted = await insertTransfersWithEntries(tx, { orgUnitId, at, transfers: newTransfers, legs });
  const ids = new Map(inserted.map((row) => [row.transfer_key, row.id]));
  const outcomes = new Map<string, TransferOutcome>();
  const effectiveAt = at.toISOString();
  for (const t of transfers) {
    const id = ids.get(t.transferKey);
    if (id === undefined) continue;
    outcomes.set(t.transferKey, {
      ok: true,
      replayed: false,
      transfer: {
        id,
        orgUnitId,
        transferKey: t.transferKey,
        kind: t.kind,
        status: t.kind === 'hold' ? 'pending' : 'posted',
        legs: t.legs,
        description: t.description,
        metadata: t.metadata,
        reversesId: t.reversesId,
        holdExpiresAt: t.holdExpiresAt?.toISOString() ?? null,
        effectiveAt,
        resolvedAt: null,
      },
    });
  }
  await addReplays(tx, orgUnitId, transfers.filter((t) => !ids.has(t.transferKey)), outcomes);
  return transfers.map((t) => outcomes.get(t.transferKey) ?? { ok: false, error: new AppError('INTERNAL') });
}

async function addReplays(tx: CommonQueryMethods, orgUnitId: string, replays: readonly PreparedTransfer[], outcomes: Map<string, TransferOutcome>): Promise<void> {
  if (replays.length === 0) return;
  const existing = await findTransfersByKeys(tx, { orgUnitId, keys: replays.map((t) => t.transferKey) });
  const views = await viewsOf(tx, existing);
  for (const t of replays) {
    const view = views.get(t.transferKey);
    outcomes.set(t.transferKey, view ? replayOutcome(t, view) : { ok: false, error: new AppError('CONFLICT', `transfer ${t.transferKey} was being written concurrently; retry`) });
  }
}

export async function viewsOf(db: CommonQueryMethods, rows: readonly TransferRow[]): Promise<Map<string, TransferView>> {
  const entries = await entriesOfTransfers(db, { transferIds: rows.map((r) => r.id) });
  const byTransfer = new Map<string, typeof entries[number][]>();
  for (const e of entries) {
    const list = byTransfer.get(e.transfer_id) ?? [];
    list.push(e);
    byTransfer.set(e.transfer_id, list);
  }
  return new Map(rows.map((row) => [row.transfer_key, transferView(row, byTransfer.get(row.id) ?? [])]));
}

function replayOutcome(t: PreparedTransfer, stored: TransferView): TransferOutcome {
  const same =
    stored.kind === t.kind &&
    sameLegs(stored.legs, t.legs) &&
    stored.description === t.description &&
    stored.reversesId === t.reversesId &&
    stored.holdExpiresAt === (t.holdExpiresAt?.toISOString() ?? null) &&
    canonicalize(stored.metadata) === canonicalize(t.metadata);
  if (same) return { ok: true, replayed: true, transfer: stored };
  return {
    ok: false,
    error: new AppError('TRANSFER_KEY_CONFLICT', `transfer key ${t.transferKey} was already used for a different transfer`, { transferKey: t.transferKey }),
  };
}
