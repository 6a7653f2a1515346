import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { verdictOutcomes } from '../../engine/governance/index.js';

/**
 * The governor's verdicts, one row per evaluated action. `reasons` holds every invariant
 * refusal, matched rule and fail-closed rule; `shadow` is empty, or holds the one verdict
 * the shadow versions would have given.
 */

export const verdictRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  action_hash: z.string(),
  tool: z.string(),
  actor: z.string(),
  outcome: z.enum(verdictOutcomes),
  fail_closed: z.boolean(),
  reasons: z.array(z.record(z.string(), z.unknown())),
  policy_versions: z.array(z.object({ name: z.string(), version: z.number().int() })),
  shadow: z.array(z.record(z.string(), z.unknown())),
  created_at: z.date(),
});
export type VerdictRow = z.infer<typeof verdictRow>;

const columns = sql.fragment`id, org_unit_id, action_hash, tool, actor, outcome, fail_closed, reasons, policy_versions, shadow, created_at`;

/** A verdict to store; the JSON columns arrive already serialised. */
export type NewVerdict = {
  id: string;
  orgUnitId: string;
  actionHash: string;
  tool: string;
  actor: string;
  outcome: (typeof verdictOutcomes)[number];
  failClosed: boolean;
  reasonsJson: string;
  policyVersionsJson: string;
  shadowJson: string;
  at: Date;
};

/** Inserts many verdicts in one statement (the governor batches them under load). */
export async function insertVerdicts(db: CommonQueryMethods, verdicts: readonly NewVerdict[]): Promise<void> {
  if (verdicts.length === 0) return;
  await db.query(sql.unsafe`${insertVerdictsStatement(verdicts)}`);
}

/** The INSERT of `verdicts`, to run alone or as a step of a larger statement. */
export function insertVerdictsStatement(verdicts: readonly NewVerdict[]) {
  return sql.fragment`
    INSERT INTO verdicts (id, org_unit_id, action_hash, tool, actor, outcome, fail_closed, reasons, policy_versions, shadow, created_at)
    SELECT * FROM ${sql.unnest(
      verdicts.map((v) => [v.id, v.orgUnitId, v.actionHash, v.tool, v.actor, v.outcome, v.failClosed, v.reasonsJson, v.policyVersionsJson, v.shadowJson, v.at.toISOString()]),
      ['uuid', 'text', 'text', 'text', 'text', 'text', 'bool', 'jsonb', 'jsonb', 'jsonb', 'timestamptz'],
    )}`;
}

export async function findVerdict(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<VerdictRow | null> {
  return db.maybeOne(sql.type(verdictRow)`
    SELECT ${columns} FROM verdicts WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** Newest first. */
export async function listVerdicts(
  db: CommonQueryMethods,
  args: { orgUnitId: string; outcome?: VerdictRow['outcome']; failClosed?: boolean; limit: number },
): Promise<readonly VerdictRow[]> {
  const filters = [sql.fragment`org_unit_id = ${args.orgUnitId}`];
  if (args.outcome !== undefined) filters.push(sql.fragment`outcome = ${args.outcome}`);
  if (args.failClosed !== undefined) filters.push(sql.fragment`fail_closed = ${args.failClosed}`);
  return db.any(sql.type(verdictRow)`
    SELECT ${columns} FROM verdicts WHERE ${sql.join(filters, sql.fragment` AND `)}
     ORDER BY created_at DESC, id LIMIT ${args.limit}`);
}
