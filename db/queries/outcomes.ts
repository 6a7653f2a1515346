import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Observed outcomes (db/migrations/001_kernel.sql): what a subject scored on a metric, and when. */
export const outcomeRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  subject_type: z.string(),
  subject_id: z.string(),
  metric: z.string(),
  /** numeric(24, 6), as a decimal string. */
  value: z.string(),
  observed_at: z.date(),
  details: z.record(z.unknown()),
  idempotency_key: z.string().nullable(),
  created_at: z.date(),
});
export type OutcomeRow = z.infer<typeof outcomeRow>;

const columns = sql.fragment`id, org_unit_id, subject_type, subject_id, metric, value, observed_at, details, idempotency_key, created_at`;

export type NewOutcome = {
  orgUnitId: string;
  subjectType: string;
  subjectId: string;
  metric: string;
  value: number;
  observedAt: Date;
  details: Record<string, unknown>;
  idempotencyKey: string | null;
};

/** Stores the outcome unless its idempotency key is taken; null then (the first one stands). */
export async function insertOutcomeOnce(db: CommonQueryMethods, args: NewOutcome): Promise<OutcomeRow | null> {
  return db.maybeOne(sql.type(outcomeRow)`
    INSERT INTO outcomes (org_unit_id, subject_type, subject_id, metric, value, observed_at, details, idempotency_key)
    VALUES (${args.orgUnitId}, ${args.subjectType}, ${args.subjectId}, ${args.metric}, ${args.value}, ${sql.timestamp(args.observedAt)},
            ${sql.jsonb(args.details as never)}, ${args.idempotencyKey})
    ON CONFLICT (org_unit_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING ${columns}`);
}

export async function findOutcomeByKey(db: CommonQueryMethods, args: { orgUnitId: string; idempotencyKey: string }): Promise<OutcomeRow | null> {
  return db.maybeOne(sql.type(outcomeRow)`
    SELECT ${columns} FROM outcomes WHERE org_unit_id = ${args.orgUnitId} AND idempotency_key = ${args.idempotencyKey}`);
}
