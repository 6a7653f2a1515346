import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { operatorRoles, readerRoles } from '../../../engine/kernel/index.js';
import type { ToolMode } from '../../../engine/tools/index.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import {
  accountBalanceInput,
  balanceDto,
  balanceQueryInput,
  createTransferInput,
  disputeDto,
  disputeIdSchema,
  holdActionInput,
  importStatementInput,
  markReconciledInput,
  openDisputeInput,
  postPayoutInput,
  reconciliationDto,
  reconciliationIdSchema,
  reconciliationLinesDto,
  resolveDisputeInput,
  reverseTransferInput,
  transferDto,
  transferKeySchema,
  trialBalanceDto,
  writeOutcomeDto,
  type DisputeDto,
  type ReconciliationDto,
  type TransferDto,
} from '../../contracts/ledger.js';
import type { Principal } from '../../auth/principal.js';
import { actorFromPrincipal } from '../../governance/actor-from-principal.js';
import type { LedgerService } from '../../ledger/ledger-service.js';
import type { ToolRouter } from '../../tools/tool-implementation.js';
import { defineOperation } from '../operation.js';
import { writeOutcome, writeStatus, type WriteOutcome } from '../tool-outcome.js';

const org = { orgUnitId: orgUnitIdSchema };
const base = (orgUnitId: string) => `/api/org-units/${orgUnitId}/ledger`;

/** What every write carries besides its tool input. */
type WriteControls = Readonly<{ orgUnitId: string; idempotencyKey?: string; mode?: ToolMode }>;

/**
 * The ledger's API (docs/ledger.md). Reads go to the ledger service. Every write goes
 * through the tool router with the caller as the actor, so it is permission-checked,
 * judged by the governor, audited and idempotent like a workflow's: the key is the body's
 * `idempotencyKey`, or one derived from what the write is about (the transfer key, the
 * hold, the dispute), so a client that retries a lost answer gets the first outcome and
 * money never moves twice. Previews (`dry_run`, `simulate`) without a key get a fresh one:
 * they change nothing, so there is nothing to deduplicate.
 */
export function ledgerOperations(deps: { ledger: LedgerService; tools: ToolRouter }) {
  const { ledger, tools } = deps;

  async function callTool<Result>(
    principal: Principal,
    tool: string,
    controls: WriteControls,
    natural: string,
    input: Readonly<Record<string, unknown>>,
    toResult: (output: unknown) => Result,
    context?: Readonly<Record<string, unknown>>,
  ): Promise<WriteOutcome<Result>> {
    const mode = controls.mode ?? 'execute';
    const idempotencyKey = controls.idempotencyKey ?? (mode === 'execute' ? `${tool}:${natural}` : `${mode}:${randomUUID()}`);
    const result = await tools.call({
      orgUnitId: controls.orgUnitId,
      tool,
      input: withoutUndefined(input),
      actor: actorFromPrincipal(principal),
      mode,
      idempotencyKey,
      ...(context ? { context } : {}),
    });
    return writeOutcome(result, toResult);
  }

  const toTransfer = (orgUnitId: string) => (output: unknown) => transferDtoOf(orgUnitId, output);

  const write = <Result extends z.ZodTypeAny>(result: Result) => writeOutcomeDto(result);
  const created = (outcome: WriteOutcome<unknown>) => writeStatus(outcome, true);
  const changed = (outcome: WriteOutcome<unknown>) => writeStatus(outcome, false);

  const holdAction = (verb: 'post' | 'void') =>
    defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: `/api/org-units/:orgUnitId/ledger/holds/:holdKey/${verb}`,
      summary:
        verb === 'post'
          ? 'Post a pending hold (tool ledger.post_hold): from then on it counts in posted balances and streams ledger.transfer.posted'
          : 'Void a pending hold (tool ledger.void_hold): it stops counting and the reserved funds are free again',
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...holdActionInput }).strict(),
      output: write(transferDto),
      statusFor: changed,
      handle: (principal, { orgUnitId, holdKey, idempotencyKey, mode }) =>
        callTool(principal, verb === 'post' ? 'ledger.post_hold' : 'ledger.void_hold', { orgUnitId, idempotencyKey, mode }, holdKey, { holdKey }, toTransfer(orgUnitId)),
    });

  return {
    listLedgerBalances: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/ledger/balances',
      summary: 'Every account and currency with its posted balance and pending debits and credits, now or as of an instant',
      tags: ['ledger'],
      access: readerRoles,
      input: z.object({ ...org, ...balanceQueryInput }).strict(),
      output: z.object({ asOf: z.string().nullable(), items: z.array(balanceDto) }),
      handle: async (_principal, { orgUnitId, asOf }) => ({
        asOf: asOf ?? null,
        items: (await ledger.balances(orgUnitId, asOf === undefined ? {} : { asOf: new Date(asOf) })).map((b) => balanceDto.parse(b)),
      }),
    }),
    getLedgerAccountBalance: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/ledger/accounts/:account/balance',
      summary:
        "One account's balance. The account path goes in the URL as it is (…/accounts/creator:42:payable/balance; ':' is allowed in a path segment) or percent-encoded; name the currency when the account holds several",
      tags: ['ledger'],
      access: readerRoles,
      input: z.object({ ...org, ...accountBalanceInput }).strict(),
      output: balanceDto,
      handle: async (_principal, { orgUnitId, account, currency, asOf }) =>
        balanceDto.parse(await ledger.balance(orgUnitId, account, { ...(currency ? { currency } : {}), ...(asOf ? { asOf: new Date(asOf) } : {}) })),
    }),
    getLedgerTransfer: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/ledger/transfers/:transferKey',
      summary: 'One transfer by its key: legs, kind, status, hold expiry, and the transfer it reverses (percent-encode a key with / in it)',
      tags: ['ledger'],
      access: readerRoles,
      input: z.object({ ...org, transferKey: transferKeySchema }).strict(),
      output: transferDto,
      handle: async (_principal, { orgUnitId, transferKey }) => transferDtoOf(orgUnitId, await ledger.getTransfer(orgUnitId, transferKey)),
    }),
    getTrialBalance: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/ledger/trial-balance',
      summary: 'Posted debits and credits per currency; each nets to zero',
      tags: ['ledger'],
      access: readerRoles,
      input: z.object(org).strict(),
      output: trialBalanceDto,
      async handle(_principal, { orgUnitId }) {
        const items = (await ledger.trialBalance(orgUnitId)).map((row) => ({ ...row }));
        return { items, balanced: items.every((row) => row.netMinor === 0) };
      },
    }),
    getReconciliation: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/ledger/reconciliations/:reconciliationId',
      summary: "A statement import's result: matched, missing, mismatched and unexpected lines",
      tags: ['ledger'],
      access: readerRoles,
      input: z.object({ ...org, reconciliationId: reconciliationIdSchema }).strict(),
      output: reconciliationDto,
      handle: async (_principal, { orgUnitId, reconciliationId }) => reconciliationDtoOf(await ledger.getReconciliation(orgUnitId, reconciliationId)),
    }),
    getDispute: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/ledger/disputes/:disputeId',
      summary: 'One dispute with its status and reserve hold',
      tags: ['ledger'],
      access: readerRoles,
      input: z.object({ ...org, disputeId: disputeIdSchema }).strict(),
      output: disputeDto,
      handle: async (_principal, { orgUnitId, disputeId }) => disputeDtoOf(await ledger.getDispute(orgUnitId, disputeId)),
    }),

    createLedgerTransfer: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/ledger/transfers',
      summary:
        'Post a balanced transfer, or a hold with holdUntil (tool ledger.transfer). Idempotent by transferKey: the same request again answers the first result; not for payouts',
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...createTransferInput }).strict(),
      output: write(transferDto),
      successStatus: 201,
      statusFor: created,
      handle: (principal, { orgUnitId, idempotencyKey, mode, ...input }) =>
        callTool(principal, 'ledger.transfer', { orgUnitId, idempotencyKey, mode }, input.transferKey, input, toTransfer(orgUnitId)),
    }),
    postLedgerHold: holdAction('post'),
    voidLedgerHold: holdAction('void'),
    reverseLedgerTransfer: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/ledger/transfers/:transferKey/reverse',
      summary: 'Post a reversal of a posted transfer, its legs negated (tool ledger.reverse); a transfer is reversed at most once',
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...reverseTransferInput }).strict(),
      output: write(transferDto),
      successStatus: 201,
      statusFor: created,
      handle(principal, { orgUnitId, idempotencyKey, mode, ...input }) {
        // A named reversal key is part of the call, so another one reaches the ledger and hears who reversed it first.
        const natural = input.reversalKey === undefined ? input.transferKey : `${input.transferKey.slice(0, 100)}:${digest(input.transferKey, input.reversalKey)}`;
        return callTool(principal, 'ledger.reverse', { orgUnitId, idempotencyKey, mode }, natural, input, toTransfer(orgUnitId));
      },
    }),
    postPayout: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/ledger/payouts',
      summary:
        "Pay a payee's payable out of platform:cash (tool payouts.post). The governor needs context: reconciled, riskChecked, collectedNetMinor, reservesMinor, openDisputesMinor, projected.cashRunwayDays; without them 403 GOV_DENIED names what is missing",
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...postPayoutInput }).strict(),
      output: write(transferDto),
      successStatus: 201,
      statusFor: created,
      handle: (principal, { orgUnitId, idempotencyKey, mode, context, ...input }) =>
        callTool(principal, 'payouts.post', { orgUnitId, idempotencyKey, mode }, input.transferKey, input, toTransfer(orgUnitId), context),
    }),
    importLedgerStatement: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/ledger/reconciliations',
      summary:
        "Import a processor statement (CSV or JSON text) for a period and reconcile it with the clearing account (tool ledger.import_statement); the same statement again answers the first result",
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...importStatementInput }).strict(),
      output: write(reconciliationDto),
      successStatus: 201,
      statusFor: created,
      handle(principal, { orgUnitId, idempotencyKey, mode, ...input }) {
        // The statement's content is part of the key: a corrected statement for the period is a new import.
        const natural = `${input.source ?? 'processor'}:${input.periodStart}:${input.periodEnd}:${digest(input.format, input.text)}`;
        return callTool(principal, 'ledger.import_statement', { orgUnitId, idempotencyKey, mode }, natural, input, reconciliationDtoOf);
      },
    }),
    markReconciled: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/ledger/reconciliations/:reconciliationId/reconcile',
      summary: "Accept a mismatched period as reconciled, a person's judgement (tool ledger.mark_reconciled)",
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...markReconciledInput }).strict(),
      output: write(reconciliationDto),
      statusFor: changed,
      handle: (principal, { orgUnitId, idempotencyKey, mode, reconciliationId }) =>
        callTool(principal, 'ledger.mark_reconciled', { orgUnitId, idempotencyKey, mode }, reconciliationId, { reconciliationId }, reconciliationDtoOf),
    }),
    openDispute: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/ledger/disputes',
      summary: "Open an order's dispute and reserve its amount with a hold (tool ledger.open_dispute); one dispute per order",
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...openDisputeInput }).strict(),
      output: write(disputeDto),
      successStatus: 201,
      statusFor: created,
      handle: (principal, { orgUnitId, idempotencyKey, mode, ...input }) =>
        callTool(principal, 'ledger.open_dispute', { orgUnitId, idempotencyKey, mode }, input.orderId, input, disputeDtoOf),
    }),
    resolveDispute: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/ledger/disputes/:disputeId/resolution',
      summary: 'Resolve a dispute (tool ledger.resolve_dispute): won voids its reserve; lost posts it and pays the chargeback',
      tags: ['ledger'],
      access: operatorRoles,
      input: z.object({ ...org, ...resolveDisputeInput }).strict(),
      output: write(disputeDto),
      statusFor: changed,
      handle: (principal, { orgUnitId, idempotencyKey, mode, disputeId, outcome }) =>
        callTool(principal, 'ledger.resolve_dispute', { orgUnitId, idempotencyKey, mode }, `${disputeId}:${outcome}`, { disputeId, outcome }, disputeDtoOf),
    }),
  };
}

/** The tools' outputs and the service's views carry more than the wire shows (org unit, ids); parsing keeps the DTO's fields only. */
const transferSource = transferDto.omit({ links: true }).extend({ reversesId: z.string().nullable() });

function transferDtoOf(orgUnitId: string, value: unknown): TransferDto {
  const view = transferSource.parse(value);
  const { reversesId, ...rest } = view;
  return { ...rest, links: { self: `${base(orgUnitId)}/transfers/${encodeURIComponent(view.transferKey)}`, reverses: reversesId } };
}

const reconciliationSource = reconciliationDto
  .omit({ lines: true, counts: true, clearingAccount: true })
  .extend({ report: reconciliationLinesDto.partial().extend({ clearingAccount: z.string().optional() }).passthrough() });

function reconciliationDtoOf(value: unknown): ReconciliationDto {
  const { report, ...view } = reconciliationSource.extend({ matched: z.number(), missing: z.number(), mismatched: z.number() }).parse(value);
  const lines = { matched: report.matched ?? [], missing: report.missing ?? [], mismatched: report.mismatched ?? [], unexpected: report.unexpected ?? [] };
  return {
    id: view.id,
    periodStart: view.periodStart,
    periodEnd: view.periodEnd,
    source: view.source,
    clearingAccount: report.clearingAccount ?? null,
    status: view.status,
    statementLines: view.statementLines,
    counts: { matched: view.matched, missing: view.missing, mismatched: view.mismatched, unexpected: lines.unexpected.length },
    lines,
    reconciledAt: view.reconciledAt,
    reconciledBy: view.reconciledBy,
  };
}

const disputeDtoOf = (value: unknown): DisputeDto => disputeDto.parse(value);

/** A short stand-in for long parts of an idempotency key (the column holds 300 characters). */
function digest(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function withoutUndefined(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
