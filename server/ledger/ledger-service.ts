import type { Logger } from 'pino';
import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { DatabaseError, translateDatabaseError } from '../../db/errors.js';
import { findDispute, insertDispute, resolveOpenDispute, findDisputeByOrder, type DisputeRow } from '../../db/queries/disputes.js';
import {
  accountBalances,
  expireDueHolds,
  findReversalOf,
  findTransfersByKeys,
  lockTransferByKey,
  resolveHold,
  trialBalance as trialBalanceQuery,
  type TransferRow,
} from '../../db/queries/ledger.js';
import type { Clock } from '../../engine/kernel/index.js';
import { accountPathProblem, isCurrency, reversedLegs, type Leg } from '../../engine/ledger/index.js';
import { AppError, notFound, validationFailed } from '../errors/catalog.js';
import { balanceView, type BalanceView, type TransferView } from './ledger-views.js';
import { postedPayload, type PublishPosted } from './posted-events.js';
import {
  getReconciliation as getReconciliationIn,
  importStatement as importStatementInto,
  markReconciled as markReconciledIn,
  type ImportStatementInput,
  type ReconciliationView,
} from './reconciliation.js';
import { resolveAccounts, transferProblem, viewsOf, writeTransfers, type AccountCache, type PreparedTransfer, type TransferOutcome } from './transfer-batch.js';

export type { TransferOutcome, TransferView, BalanceView, ReconciliationView, ImportStatementInput };

export type TransferInput = Readonly<{
  orgUnitId: string;
  transferKey: string;
  legs: readonly Leg[];
  description?: string;
  metadata?: Readonly<Record<string, unknown>>;
  hold?: Readonly<{ expiresAt: Date }>;
}>;

export type DisputeView = Readonly<{
  id: string;
  orgUnitId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  reason: string;
  status: DisputeRow['status'];
  holdTransferId: string | null;
  openedAt: string;
  resolvedAt: string | null;
}>;

export type OpenDisputeInput = Readonly<{ orderId: string; amountMinor: number; currency: string; reason?: string; reserveUntil?: Date }>;

export type TrialBalanceView = readonly Readonly<{ currency: string; debitsMinor: number; creditsMinor: number; netMinor: number }>[];

export type LedgerService = {
  /** Idempotent by (orgUnitId, transferKey): the same payload again returns the first result. */
  transfer(input: TransferInput): Promise<TransferView>;
  /** Many transfers in one transaction (one commit); each has its own outcome. */
  transferMany(inputs: readonly TransferInput[]): Promise<readonly TransferOutcome[]>;
  post(orgUnitId: string, holdKey: string): Promise<TransferView>;
  void(orgUnitId: string, holdKey: string): Promise<TransferView>;
  /** Expires every hold due at `now` (the clock's time when omitted); returns how many. */
  expireDue(now?: Date): Promise<number>;
  reverse(orgUnitId: string, transferKey: string, reversalKey: string, description?: string): Promise<TransferView>;
  getTransfer(orgUnitId: string, transferKey: string): Promise<TransferView>;
  balance(orgUnitId: string, account: string, options?: Readonly<{ currency?: string; asOf?: Date }>): Promise<BalanceView>;
  balances(orgUnitId: string, options?: Readonly<{ asOf?: Date }>): Promise<readonly BalanceView[]>;
  trialBalance(orgUnitId: string): Promise<TrialBalanceView>;
  importStatement(orgUnitId: string, input: ImportStatementInput): Promise<ReconciliationView>;
  markReconciled(orgUnitId: string, reconciliationId: string, by: string): Promise<ReconciliationView>;
  openDispute(orgUnitId: string, input: OpenDisputeInput): Promise<DisputeView>;
  resolveDispute(orgUnitId: string, disputeId: string, outcome: 'won' | 'lost'): Promise<DisputeView>;
  getReconciliation(orgUnitId: string, reconciliationId: string): Promise<ReconciliationView>;
  getDispute(orgUnitId: string, disputeId: string): Promise<DisputeView>;
};

export type LedgerDeps = Readonly<{
  pool: DatabasePool;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Streams `ledger.transfer.posted` after each posting commits; without it nothing is streamed. */
  publish?: PublishPosted;
}>;

/** Accounts dispute postings use (see docs/ledger.md). */
export const disputeAccounts = Object.freeze({ available: 'platform:cash', reserve: 'reserve:disputes', losses: 'expense:chargebacks' });
const defaultDisputeReserveMs = 180 * 24 * 60 * 60 * 1000;
const maxBatch = 10_000;
const transientRetries = 3;

export function createLedgerService(deps: LedgerDeps): LedgerService {
  const { pool, clock, logger } = deps;
  const accounts: AccountCache = new Map();
  const now = () => new Date(clock.now());

  /**
   * Streams each posting once, here rather than in the API or the tools, because every path
   * that posts money ends in this service (REST, workflows through the tool router,
   * disputes) and only here is it known whether a call posted or replayed an earlier
   * posting. It runs after the commit, so nothing is streamed for a rolled-back posting;
   * the price is at-most-once if the process dies between the commit and the publish,
   * which a reader repairs by reading the transfer. A failed publish is logged, never
   * thrown: the posting stands.
   */
  async function announcePosted(orgUnitId: string, views: readonly TransferView[]): Promise<void> {
    const { publish } = deps;
    if (!publish) return;
    await Promise.all(
      views
        .filter((view) => view.status === 'posted')
        .map(async (view) => {
          try {
            await publish(orgUnitId, 'ledger.transfer.posted', postedPayload(view));
          } catch (error) {
            logger.error({ err: error, orgUnitId, transferKey: view.transferKey }, 'ledger: a committed posting could not be streamed');
          }
        }),
    );
  }

  async function inTransaction<T>(work: (tx: DatabaseTransactionConnection) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await pool.transaction(work);
      } catch (error) {
        const translated = translateDatabaseError(error);
        if (translated instanceof DatabaseError && translated.transient && attempt < transientRetries) {
          logger.warn({ err: translated, attempt }, 'ledger: transient database failure, retrying the transaction');
          continue;
        }
        throw translated;
      }
    }
  }

  function prepare(input: TransferInput): PreparedTransfer {
    return {
      transferKey: input.transferKey,
      kind: input.hold ? 'hold' : 'transfer',
      legs: input.legs.map((l) => ({ account: l.account, currency: l.currency, amountMinor: l.amountMinor })),
      description: input.description ?? '',
      metadata: input.metadata ?? {},
      holdExpiresAt: input.hold ? input.hold.expiresAt : null,
      reversesId: null,
    };
  }

  async function transferMany(inputs: readonly TransferInput[]): Promise<readonly TransferOutcome[]> {
    if (inputs.length > maxBatch) throw validationFailed([{ path: 'transfers', message: `at most ${maxBatch} transfers per call` }]);
    const at = now();
    const outcomes: (TransferOutcome | undefined)[] = inputs.map(() => undefined);
    // Grouped by org unit; a key repeated within the call is written once and the repeats compared to it.
    const groups = new Map<string, { index: number; prepared: PreparedTransfer }[]>();
    inputs.forEach((input, index) => {
      const prepared = prepare(input);
      const problem = transferProblem(prepared, at.getTime());
      if (problem) {
        outcomes[index] = { ok: false, error: problem };
        return;
      }
      const group = groups.get(input.orgUnitId) ?? [];
      group.push({ index, prepared });
      groups.set(input.orgUnitId, group);
    });
    for (const [orgUnitId, group] of groups) {
      const firsts = new Map<string, PreparedTransfer>();
      for (const { prepared } of group) if (!firsts.has(prepared.transferKey)) firsts.set(prepared.transferKey, prepared);
      const unique = [...firsts.values()];
      await resolveAccounts(pool, accounts, orgUnitId, unique.flatMap((t) => t.legs));
      const written = await inTransaction((tx) => writeTransfers(tx, accounts, { orgUnitId, at, transfers: unique }));
      await announcePosted(orgUnitId, written.flatMap((o) => (o.ok && !o.replayed ? [o.transfer] : [])));
      const byKey = new Map(unique.map((t, i) => [t.transferKey, written[i]]));
      for (const { index, prepared } of group) {
        const outcome = byKey.get(prepared.transferKey);
        const first = firsts.get(prepared.transferKey);
        if (outcome && first !== prepared && outcome.ok) {
          // A repeat within the call: the same as a replay of the first.
          const again = await inTransaction((tx) => writeTransfers(tx, accounts, { orgUnitId, at, transfers: [prepared] }));
          outcomes[index] = again[0];
        } else outcomes[index] = outcome;
      }
    }
    return outcomes.map((o) => o ?? { ok: false, error: new AppError('INTERNAL') });
  }

  async function transfer(input: TransferInput): Promise<TransferView> {
    const [outcome] = await transferMany([input]);
    if (!outcome) throw new AppError('INTERNAL');
    if (!outcome.ok) throw outcome.error;
    return outcome.transfer;
  }

  async function findView(db: DatabaseTransactionConnection | DatabasePool, orgUnitId: string, key: string): Promise<TransferView | undefined> {
    const rows = await findTransfersByKeys(db, { orgUnitId, keys: [key] });
    return (await viewsOf(db, rows)).get(key);
  }

  async function resolve(orgUnitId: string, holdKey: string, to: 'posted' | 'voided', tx: DatabaseTransactionConnection): Promise<{ view: TransferView; changed: boolean }> {
    const at = now();
    const changed = await resolveHold(tx, { orgUnitId, key: holdKey, to, at });
    if (changed) return { view: (await viewsOf(tx, [changed])).get(holdKey) ?? failInternal(), changed: true };
    const current = await findView(tx, orgUnitId, holdKey);
    if (!current) throw notFound(`hold ${holdKey}`);
    if (current.kind !== 'hold') throw new AppError('LEDGER_HOLD_NOT_PENDING', `${holdKey} is a ${current.kind}, not a hold`, { transferKey: holdKey });
    // Posting or voiding again is a replay, not an error: the caller may have lost the first answer.
    if (current.status === to) return { view: current, changed: false };
    if (current.status === 'pending') {
      const expired = await resolveHold(tx, { orgUnitId, key: holdKey, to: 'expired', at });
      if (expired) throw new AppError('LEDGER_HOLD_EXPIRED', `hold ${holdKey} expired at ${current.holdExpiresAt ?? ''}`, { transferKey: holdKey });
    }
    throw new AppError('LEDGER_HOLD_NOT_PENDING', `hold ${holdKey} is ${current.status}`, { transferKey: holdKey, status: current.status });
  }

  // An expired hold found by post() is marked expired in the same transaction that refuses the post.
  async function resolveCommitted(orgUnitId: string, holdKey: string, to: 'posted' | 'voided'): Promise<TransferView> {
    let refusal: unknown;
    const resolved = await inTransaction(async (tx) => {
      try {
        return await resolve(orgUnitId, holdKey, to, tx);
      } catch (error) {
        if (error instanceof AppError && error.code === 'LEDGER_HOLD_EXPIRED') {
          refusal = error;
          return undefined;
        }
        throw error;
      }
    });
    if (refusal !== undefined || resolved === undefined) throw refusal;
    if (resolved.changed) await announcePosted(orgUnitId, [resolved.view]);
    return resolved.view;
  }

  async function reverse(orgUnitId: string, transferKey: string, reversalKey: string, description?: string): Promise<TransferView> {
    const original = await findView(pool, orgUnitId, transferKey);
    if (!original) throw notFound(`transfer ${transferKey}`);
    const legs = reversedLegs(original.legs);
    await resolveAccounts(pool, accounts, orgUnitId, legs);
    const at = now();
    const outcome = await inTransaction(async (tx) => {
      const locked = await lockTransferByKey(tx, { orgUnitId, key: transferKey });
      if (!locked) throw notFound(`transfer ${transferKey}`);
      if (locked.kind === 'reversal') throw new AppError('LEDGER_NOT_REVERSIBLE', `${transferKey} is itself a reversal; post a new transfer instead`, { transferKey });
      const prepared: PreparedTransfer = {
        transferKey: reversalKey,
        kind: 'reversal',
        legs,
        description: description ?? `reversal of ${transferKey}`,
        metadata: { reverses: transferKey },
        holdExpiresAt: null,
        reversesId: locked.id,
      };
      const problem = transferProblem(prepared, at.getTime());
      if (problem) throw problem;
      const existing = await findReversalOf(tx, { orgUnitId, id: locked.id });
      if (existing && existing.transfer_key !== reversalKey) {
        throw new AppError('LEDGER_NOT_REVERSIBLE', `${transferKey} was already reversed by ${existing.transfer_key}`, { transferKey, reversedBy: existing.transfer_key });
      }
      if (!existing && locked.status !== 'posted') throw new AppError('LEDGER_NOT_REVERSIBLE', `${transferKey} is ${locked.status}; only posted transfers are reversed`, { transferKey });
      const [written] = await writeTransfers(tx, accounts, { orgUnitId, at, transfers: [prepared] });
      return written;
    });
    if (!outcome) throw new AppError('INTERNAL');
    if (!outcome.ok) throw outcome.error;
    if (!outcome.replayed) await announcePosted(orgUnitId, [outcome.transfer]);
    return outcome.transfer;
  }

  async function balance(orgUnitId: string, account: string, options: Readonly<{ currency?: string; asOf?: Date }> = {}): Promise<BalanceView> {
    const problem = accountPathProblem(account);
    if (problem) throw validationFailed([{ path: 'account', message: `"${account}" ${problem}` }]);
    if (options.currency !== undefined && !isCurrency(options.currency)) throw validationFailed([{ path: 'currency', message: 'is not a three-letter currency code' }]);
    const rows = await pool.connect((c) => accountBalances(c, { orgUnitId, path: account, currency: options.currency, asOf: options.asOf }));
    if (rows.length > 1) throw validationFailed([{ path: 'currency', message: `${account} holds ${rows.map((r) => r.currency).join(', ')}; name one` }]);
    const [row] = rows;
    if (!row) throw notFound(`account ${account}`);
    return balanceView(row);
  }

  async function openDispute(orgUnitId: string, input: OpenDisputeInput): Promise<DisputeView> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw validationFailed([{ path: 'amountMinor', message: 'must be a positive whole number of minor units' }]);
    if (!isCurrency(input.currency)) throw validationFailed([{ path: 'currency', message: 'is not a three-letter currency code' }]);
    const at = now();
    const hold: PreparedTransfer = {
      transferKey: disputeKeys(input.orderId).reserve,
      kind: 'hold',
      legs: [
        { account: disputeAccounts.reserve, currency: input.currency, amountMinor: input.amountMinor },
        { account: disputeAccounts.available, currency: input.currency, amountMinor: -input.amountMinor },
      ],
      description: `dispute reserve for order ${input.orderId}`,
      metadata: { orderId: input.orderId },
      holdExpiresAt: input.reserveUntil ?? new Date(at.getTime() + defaultDisputeReserveMs),
      reversesId: null,
    };
    const problem = transferProblem(hold, at.getTime());
    if (problem) throw problem;
    await resolveAccounts(pool, accounts, orgUnitId, hold.legs);
    try {
      return await inTransaction(async (tx) => {
        const existing = await findDisputeByOrder(tx, { orgUnitId, orderId: input.orderId });
        if (existing) {
          if (existing.amount_minor === input.amountMinor && existing.currency === input.currency) return disputeView(existing);
          throw new AppError('ALREADY_EXISTS', `order ${input.orderId} already has a dispute`, { disputeId: existing.id });
        }
        const [written] = await writeTransfers(tx, accounts, { orgUnitId, at, transfers: [hold] });
        if (!written) throw new AppError('INTERNAL');
        if (!written.ok) throw written.error;
        const row = await insertDispute(tx, {
          orgUnitId,
          orderId: input.orderId,
          amountMinor: input.amountMinor,
          currency: input.currency,
          reason: input.reason ?? '',
          holdTransferId: written.transfer.id,
          at,
        });
        if (!row) throw new AppError('CONFLICT', `order ${input.orderId} got a dispute concurrently; retry`);
        return disputeView(row);
      });
    } catch (error) {
      if (error instanceof DatabaseError && error.code === 'DB_FOREIGN_KEY_VIOLATION') throw notFound(`order ${input.orderId}`);
      if (error instanceof DatabaseError && error.code === 'DB_INVALID_INPUT') throw validationFailed([{ path: 'orderId', message: 'is not a uuid' }]);
      throw error;
    }
  }

  async function resolveDispute(orgUnitId: string, disputeId: string, outcome: 'won' | 'lost'): Promise<DisputeView> {
    const dispute = await pool.connect((c) => findDispute(c, { orgUnitId, id: disputeId }));
    if (!dispute) throw notFound(`dispute ${disputeId}`);
    if (dispute.status !== 'open') {
      if (dispute.status === outcome) return disputeView(dispute);
      throw new AppError('DISPUTE_ALREADY_RESOLVED', `dispute ${disputeId} was ${dispute.status}`, { status: dispute.status });
    }
    const holdKey = disputeKeys(dispute.order_id).reserve;
    const chargeback: PreparedTransfer = {
      transferKey: disputeKeys(dispute.order_id).chargeback,
      kind: 'transfer',
      legs: [
        { account: disputeAccounts.losses, currency: dispute.currency, amountMinor: dispute.amount_minor },
        { account: disputeAccounts.reserve, currency: dispute.currency, amountMinor: -dispute.amount_minor },
      ],
      description: `chargeback lost for order ${dispute.order_id}`,
      metadata: { orderId: dispute.order_id, disputeId },
      holdExpiresAt: null,
      reversesId: null,
    };
    // If the reserve hold lapsed, the loss is paid from available funds instead.
    const fromAvailable: PreparedTransfer = {
      ...chargeback,
      legs: [chargeback.legs[0] as Leg, { account: disputeAccounts.available, currency: dispute.currency, amountMinor: -dispute.amount_minor }],
    };
    await resolveAccounts(pool, accounts, orgUnitId, [...chargeback.legs, ...fromAvailable.legs]);
    const at = now();
    const { view, posted } = await inTransaction(async (tx) => {
      const resolved = await resolveOpenDispute(tx, { orgUnitId, id: disputeId, outcome, at });
      if (!resolved) throw new AppError('DISPUTE_ALREADY_RESOLVED', `dispute ${disputeId} was resolved concurrently`);
      const to = outcome === 'won' ? 'voided' : 'posted';
      const hold = await resolveHold(tx, { orgUnitId, key: holdKey, to, at });
      const postings: TransferView[] = [];
      if (outcome === 'lost') {
        if (hold) postings.push((await viewsOf(tx, [hold])).get(holdKey) ?? failInternal());
        const [written] = await writeTransfers(tx, accounts, { orgUnitId, at, transfers: [hold ? chargeback : fromAvailable] });
        if (!written) throw new AppError('INTERNAL');
        if (!written.ok) throw written.error;
        if (!written.replayed) postings.push(written.transfer);
      }
      return { view: disputeView(resolved), posted: postings };
    });
    await announcePosted(orgUnitId, posted);
    return view;
  }

  return {
    transfer,
    transferMany,
    post: (orgUnitId, holdKey) => resolveCommitted(orgUnitId, holdKey, 'posted'),
    void: (orgUnitId, holdKey) => resolveCommitted(orgUnitId, holdKey, 'voided'),
    async expireDue(at) {
      let total = 0;
      for (;;) {
        const expired: readonly TransferRow[] = await inTransaction((tx) => expireDueHolds(tx, { at: at ?? now(), limit: 1000 }));
        total += expired.length;
        if (expired.length < 1000) return total;
      }
    },
    reverse,
    async getTransfer(orgUnitId, transferKey) {
      const view = await findView(pool, orgUnitId, transferKey);
      if (!view) throw notFound(`transfer ${transferKey}`);
      return view;
    },
    balance,
    async balances(orgUnitId, options = {}) {
      const rows = await pool.connect((c) => accountBalances(c, { orgUnitId, asOf: options.asOf }));
      return rows.map(balanceView);
    },
    async trialBalance(orgUnitId) {
      const rows = await pool.connect((c) => trialBalanceQuery(c, { orgUnitId }));
      return rows.map((r) => ({ currency: r.currency, debitsMinor: r.debits_minor, creditsMinor: r.credits_minor, netMinor: r.debits_minor + r.credits_minor }));
    },
    importStatement: (orgUnitId, input) => importStatementInto({ pool, at: now() }, orgUnitId, input),
    markReconciled: (orgUnitId, id, by) => markReconciledIn({ pool, at: now() }, orgUnitId, id, by),
    openDispute,
    resolveDispute,
    getReconciliation: (orgUnitId, id) => getReconciliationIn({ pool }, orgUnitId, id),
    async getDispute(orgUnitId, disputeId) {
      const row = await pool.connect((c) => findDispute(c, { orgUnitId, id: disputeId }));
      if (!row) throw notFound(`dispute ${disputeId}`);
      return disputeView(row);
    },
  };
}

function failInternal(): never {
  throw new AppError('INTERNAL');
}

/** The ledger transfers a dispute owns, keyed by its order so a retry finds them. */
const disputeKeys = (orderId: string) => ({ reserve: `dispute:${orderId}:reserve`, chargeback: `dispute:${orderId}:chargeback` });

function disputeView(row: DisputeRow): DisputeView {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    orderId: row.order_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    reason: row.reason,
    status: row.status,
    holdTransferId: row.hold_transfer_id,
    openedAt: row.opened_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  };
}
