import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { insertVerdictsStatement, type NewVerdict } from './verdicts.js';

/**
 * Actions (db/migrations/001_kernel.sql): every call the tool router records, one row per
 * (org unit, idempotency key). Inserting with ON CONFLICT DO NOTHING lets the unique index
 * pick the one call of many concurrent ones that owns a key; every status change after that
 * is conditional on the status it starts from, so two settlers never both win.
 */

export const actionStatuses = ['pending', 'running', 'succeeded', 'failed', 'denied', 'awaiting_approval', 'draft', 'discarded'] as const;
export type ActionStatus = (typeof actionStatuses)[number];
export const actionModes = ['execute', 'dry_run', 'simulate'] as const;
export const actionRoles = ['founder', 'operator', 'viewer', 'agent', 'system'] as const;

export const actionRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  actor: z.string(),
  actor_role: z.enum(actionRoles),
  tool: z.string(),
  mode: z.enum(actionModes),
  input: z.unknown(),
  context: z.record(z.string(), z.unknown()),
  action_hash: z.string(),
  idempotency_key: z.string(),
  verdict_id: z.string().uuid().nullable(),
  status: z.enum(actionStatuses),
  output: z.unknown(),
  error: z.record(z.string(), z.unknown()).nullable(),
  attempts: z.number().int(),
  latency_ms: z.number().nullable(),
  cost_minor: z.number().int(),
  workflow_run_id: z.string().uuid().nullable(),
  step: z.string().nullable(),
  created_at: z.date(),
  completed_at: z.date().nullable(),
});
export type ActionRow = z.infer<typeof actionRow>;

const columns = sql.fragment`id, org_unit_id, actor, actor_role, tool, mode, input, context, action_hash, idempotency_key,
  verdict_id, status, output, error, attempts, latency_ms, cost_minor, workflow_run_id, step, created_at, completed_at`;

export type NewAction = {
  orgUnitId: string;
  actor: string;
  actorRole: (typeof actionRoles)[number];
  tool: string;
  mode: (typeof actionModes)[number];
  inputJson: string;
  contextJson: string;
  actionHash: string;
  idempotencyKey: string;
  verdictId: string | null;
  status: ActionStatus;
  /** Set when the row is born settled (a denial, a dry run). */
  outputJson: string | null;
  errorJson: string | null;
  costMinor: number;
  workflowRunId: string | null;
  step: string | null;
  at: Date;
  completedAt: Date | null;
};

/** Null when the key is already taken in the org unit: the existing row is the call that owns it. */
export async function insertAction(db: CommonQueryMethods, args: NewAction): Promise<ActionRow | null> {
  return db.maybeOne(sql.type(actionRow)`
    INSERT INTO actions (org_unit_id, actor, actor_role, tool, mode, input, context, action_hash, idempotency_key, verdict_id,
                         status, output, error, cost_minor, workflow_run_id, step, created_at, completed_at)
    VALUES (${args.orgUnitId}, ${args.actor}, ${args.actorRole}, ${args.tool}, ${args.mode}, ${args.inputJson}::jsonb,
            ${args.contextJson}::jsonb, ${args.actionHash}, ${args.idempotencyKey}, ${args.verdictId}, ${args.status},
            ${args.outputJson}::jsonb, ${args.errorJson}::jsonb, ${args.costMinor}, ${args.workflowRunId}, ${args.step},
            ${sql.timestamp(args.at)}, ${args.completedAt === null ? null : sql.timestamp(args.completedAt)})
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING ${columns}`);
}

/** A row born settled by a call that already ran (the workflow runtime's step batches). */
export type SettledAction = NewAction & { attempts: number; latencyMs: number };

/**
 * Verdicts and the settled actions judged by them, in one statement: the verdicts go in
 * first (an action refers to its verdict), then each action whose key is new. The keys
 * already taken are left out of what comes back, so the caller sees which of its calls
 * lost their key to someone else.
 */
export async function insertVerdictsAndSettledActions(
  db: CommonQueryMethods,
  verdicts: readonly NewVerdict[],
  rows: readonly SettledAction[],
): Promise<readonly { id: string; idempotencyKey: string }[]> {
  if (rows.length === 0) return [];
  const withVerdicts = verdicts.length > 0 ? sql.fragment`WITH verdicts_in AS (${insertVerdictsStatement(verdicts)})` : sql.fragment``;
  const inserted = await db.any(sql.type(z.object({ id: z.string(), idempotency_key: z.string() }))`/* prepared */
    ${withVerdicts}
    INSERT INTO actions (org_unit_id, actor, actor_role, tool, mode, input, context, action_hash, idempotency_key, verdict_id,
                         status, output, error, attempts, latency_ms, cost_minor, workflow_run_id, step, created_at, completed_at)
    SELECT * FROM ${sql.unnest(
      rows.map((row) => [
        row.orgUnitId, row.actor, row.actorRole, row.tool, row.mode, row.inputJson, row.contextJson, row.actionHash, row.idempotencyKey,
        row.verdictId, row.status, row.outputJson, row.errorJson, row.attempts, row.latencyMs, row.costMinor, row.workflowRunId, row.step,
        row.at.toISOString(), row.completedAt?.toISOString() ?? null,
      ]),
      ['text', 'text', 'text', 'text', 'text', 'jsonb', 'jsonb', 'text', 'text', 'uuid', 'text', 'jsonb', 'jsonb', 'int4', 'float8', 'int8', 'uuid', 'text', 'timestamptz', 'timestamptz'],
    )}
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING id, idempotency_key`);
  return inserted.map((row) => ({ id: row.id, idempotencyKey: row.idempotency_key }));
}

export async function findActionByKey(db: CommonQueryMethods, args: { orgUnitId: string; idempotencyKey: string }): Promise<ActionRow | null> {
  return db.maybeOne(sql.type(actionRow)`
    SELECT ${columns} FROM actions WHERE org_unit_id = ${args.orgUnitId} AND idempotency_key = ${args.idempotencyKey}`);
}

export async function findAction(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<ActionRow | null> {
  return db.maybeOne(sql.type(actionRow)`
    SELECT ${columns} FROM actions WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/**
 * The action row, locked until the caller's transaction ends: the attempts that may settle
 * one action (a first call, a repeat after a crash) take it in turn, and each sees whether
 * the one before settled it.
 */
export async function lockAction(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<ActionRow | null> {
  return db.maybeOne(sql.type(actionRow)`
    SELECT ${columns} FROM actions WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} FOR UPDATE`);
}

export type ActionOutcome = {
  status: ActionStatus;
  outputJson: string | null;
  errorJson: string | null;
  attempts?: number;
  latencyMs?: number;
  costMinor?: number;
  verdictId?: string;
  completedAt: Date | null;
};

/**
 * Moves an action from one of `from` to its outcome; null when it was no longer in any of
 * them (another settler won). Counters left undefined keep their value.
 */
export async function updateActionOutcome(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; from: readonly ActionStatus[]; outcome: ActionOutcome },
): Promise<ActionRow | null> {
  const { outcome } = args;
  return db.maybeOne(sql.type(actionRow)`
    UPDATE actions
       SET status = ${outcome.status},
           output = ${outcome.outputJson}::jsonb,
           error = ${outcome.errorJson}::jsonb,
           attempts = COALESCE(${outcome.attempts ?? null}::integer, attempts),
           latency_ms = COALESCE(${outcome.latencyMs ?? null}::double precision, latency_ms),
           cost_minor = COALESCE(${outcome.costMinor ?? null}::bigint, cost_minor),
           verdict_id = COALESCE(${outcome.verdictId ?? null}::uuid, verdict_id),
           completed_at = ${outcome.completedAt === null ? null : sql.timestamp(outcome.completedAt)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = ANY(${sql.array(args.from, 'text')})
    RETURNING ${columns}`);
}

/** Newest first; `before` pages by creation time. */
export async function listActions(
  db: CommonQueryMethods,
  args: { orgUnitId: string; status?: ActionStatus; tool?: string; workflowRunId?: string; before?: Date; limit: number },
): Promise<readonly ActionRow[]> {
  const filters = [
    sql.fragment`org_unit_id = ${args.orgUnitId}`,
    ...(args.status === undefined ? [] : [sql.fragment`status = ${args.status}`]),
    ...(args.tool === undefined ? [] : [sql.fragment`tool = ${args.tool}`]),
    ...(args.workflowRunId === undefined ? [] : [sql.fragment`workflow_run_id = ${args.workflowRunId}`]),
    ...(args.before === undefined ? [] : [sql.fragment`created_at < ${sql.timestamp(args.before)}`]),
  ];
  return db.any(sql.type(actionRow)`
    SELECT ${columns} FROM actions WHERE ${sql.join(filters, sql.fragment` AND `)}
     ORDER BY created_at DESC, id LIMIT ${args.limit}`);
}
