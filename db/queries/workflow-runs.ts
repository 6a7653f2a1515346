import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Workflow runs, their journal, durable timers and the outbox (005_workflows.sql). A run is
 * runnable while `wake_at` has passed; one process at a time holds it by lease, and every
 * step commit is fenced on that lease and on the journal length the step started from, so a
 * process that lost its lease can never append a step another process already made.
 */

export const runStatuses = ['pending', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const runRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  workflow_id: z.string(),
  definition_version: z.number().int(),
  idempotency_key: z.string(),
  trigger_event_id: z.string().uuid().nullable(),
  status: z.enum(runStatuses),
  waiting_for: z.string().nullable(),
  input: z.record(z.unknown()),
  snapshot: z.record(z.unknown()).nullable(),
  journal_length: z.number().int(),
  lease_owner: z.string().nullable(),
  wake_at: z.date().nullable(),
  error: z.record(z.unknown()).nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  completed_at: z.date().nullable(),
});
export type RunRow = z.infer<typeof runRow>;

const columnNames = Object.keys(runRow.shape);
const columns = sql.join(columnNames.map((name) => sql.identifier([name])), sql.fragment`, `);
/** The same columns of `workflow_runs r`, for statements that join it. */
const runColumns = sql.join(columnNames.map((name) => sql.identifier(['r', name])), sql.fragment`, `);

export type NewRun = {
  orgUnitId: string;
  workflowId: string;
  idempotencyKey: string;
  triggerEventId: string | null;
  input: Record<string, unknown>;
};

/** Creates runs at their workflow's current version; a known key creates nothing. Returns the created rows. */
export async function createRuns(db: CommonQueryMethods, runs: readonly NewRun[], now: Date): Promise<readonly RunRow[]> {
  if (runs.length === 0) return [];
  return db.any(sql.type(runRow)`
    INSERT INTO workflow_runs (org_unit_id, workflow_id, definition_version, idempotency_key, trigger_event_id, input, wake_at)
    SELECT n.org_unit_id, n.workflow_id, w.definition_version, n.idempotency_key, n.trigger_event_id, n.input, ${sql.timestamp(now)}
      FROM ${sql.unnest(
        runs.map((run) => [run.orgUnitId, run.workflowId, run.idempotencyKey, run.triggerEventId, JSON.stringify(run.input)]),
        ['text', 'text', 'text', 'uuid', 'jsonb'],
      )} AS n(org_unit_id, workflow_id, idempotency_key, trigger_event_id, input)
      JOIN workflows w ON w.org_unit_id = n.org_unit_id AND w.id = n.workflow_id
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING ${columns}`);
}

/**
 * One run per workflow of the org unit that the event's type triggers (in the event's own
 * transaction). The key names the event and the workflow: two workflows on one trigger each
 * get their run.
 */
export async function createRunsForEvent(
  db: CommonQueryMethods,
  event: { orgUnitId: string; id: string; type: string; payload: Record<string, unknown> },
  now: Date,
): Promise<readonly RunRow[]> {
  const input = { trigger: { type: event.type, eventId: event.id, payload: event.payload } };
  return db.any(sql.type(runRow)`
    INSERT INTO workflow_runs (org_unit_id, workflow_id, definition_version, idempotency_key, trigger_event_id, input, wake_at)
    SELECT w.org_unit_id, w.id, w.definition_version, ${`event:${event.id}:`} || w.id, ${event.id}, ${sql.jsonb(input as never)}, ${sql.timestamp(now)}
      FROM workflows w
     WHERE w.org_unit_id = ${event.orgUnitId} AND ${event.type} = ANY (w.triggers)
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING ${columns}`);
}

export type NewScheduledRun = Readonly<{ workflowId: string; idempotencyKey: string; periodStart: Date }>;

/**
 * Runs of scheduled workflows, one per period (the key says which), for the workflows the
 * org unit has installed; a period that already has its run is left alone. Called in the
 * transaction that stores the events whose times fall in those periods.
 */
export async function createScheduledRuns(db: CommonQueryMethods, orgUnitId: string, runs: readonly NewScheduledRun[], now: Date): Promise<readonly RunRow[]> {
  if (runs.length === 0) return [];
  const records = runs.map((run) => ({
    workflow_id: run.workflowId,
    idempotency_key: run.idempotencyKey,
    input: { trigger: { type: 'schedule', eventId: null, payload: { periodStart: run.periodStart.toISOString() } } },
  }));
  return db.any(sql.type(runRow)`
    INSERT INTO workflow_runs (org_unit_id, workflow_id, definition_version, idempotency_key, trigger_event_id, input, wake_at)
    SELECT w.org_unit_id, w.id, w.definition_version, r.idempotency_key, NULL, r.input, ${sql.timestamp(now)}
      FROM jsonb_to_recordset(${sql.jsonb(records as never)}) AS r(workflow_id text, idempotency_key text, input jsonb)
      JOIN workflows w ON w.org_unit_id = ${orgUnitId} AND w.id = r.workflow_id
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING ${columns}`);
}

/** The runs a batch of newly stored events starts, in one statement (see `createRunsForEvent`). */
export async function createRunsForEvents(
  db: CommonQueryMethods,
  orgUnitId: string,
  events: readonly { id: string; type: string; payload: Record<string, unknown> }[],
  now: Date,
): Promise<readonly RunRow[]> {
  if (events.length === 0) return [];
  const records = events.map((e) => ({ id: e.id, type: e.type, input: { trigger: { type: e.type, eventId: e.id, payload: e.payload } } }));
  return db.any(sql.type(runRow)`
    INSERT INTO workflow_runs (org_unit_id, workflow_id, definition_version, idempotency_key, trigger_event_id, input, wake_at)
    SELECT w.org_unit_id, w.id, w.definition_version, 'event:' || e.id || ':' || w.id, e.id::uuid, e.input, ${sql.timestamp(now)}
      FROM jsonb_to_recordset(${sql.jsonb(records as never)}) AS e(id text, type text, input jsonb)
      JOIN workflows w ON w.org_unit_id = ${orgUnitId} AND e.type = ANY (w.triggers)
    ON CONFLICT (org_unit_id, idempotency_key) DO NOTHING
    RETURNING ${columns}`);
}

/**
 * Leases up to `limit` runs that are due, skipping rows another process holds and runs of
 * paused workflows. A lease that expired (its holder died) is taken over.
 */
export async function claimDueRuns(
  db: CommonQueryMethods,
  args: { owner: string; now: Date; leaseMs: number; limit: number },
): Promise<readonly RunRow[]> {
  const leaseUntil = new Date(args.now.getTime() + args.leaseMs);
  return db.any(sql.type(runRow)`/* prepared */
    UPDATE workflow_runs r
       SET lease_owner = ${args.owner}, lease_expires_at = ${sql.timestamp(leaseUntil)},
           status = CASE WHEN r.status = 'pending' THEN 'running' ELSE r.status END
      FROM (SELECT d.id FROM workflow_runs d
             WHERE d.wake_at <= ${sql.timestamp(args.now)}
               AND d.status IN ('pending', 'running', 'waiting')
               AND (d.lease_expires_at IS NULL OR d.lease_expires_at < ${sql.timestamp(args.now)})
               AND NOT EXISTS (SELECT 1 FROM workflows w WHERE w.org_unit_id = d.org_unit_id AND w.id = d.workflow_id AND w.paused)
             ORDER BY d.wake_at
             LIMIT ${args.limit}
             FOR UPDATE SKIP LOCKED) due
     WHERE r.id = due.id
    RETURNING ${runColumns}`);
}

/** Extends the leases this process holds (a long step must not lose its run). */
export async function renewLeases(db: CommonQueryMethods, args: { owner: string; runIds: readonly string[]; until: Date }): Promise<number> {
  if (args.runIds.length === 0) return 0;
  // A row a step is committing right now is skipped, not waited for: that commit keeps the lease anyway.
  const result = await db.query(sql.unsafe`
    UPDATE workflow_runs SET lease_expires_at = ${sql.timestamp(args.until)}
     WHERE id IN (SELECT id FROM workflow_runs WHERE id = ANY(${sql.array(args.runIds, 'uuid')}) AND lease_owner = ${args.owner}
                   ORDER BY id FOR UPDATE SKIP LOCKED)`);
  return result.rowCount;
}

/** Gives a run back: it runs again at `wakeAt` (null: only when something wakes it). */
export async function releaseRun(db: CommonQueryMethods, args: { runId: string; owner: string; wakeAt: Date | null }): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE workflow_runs SET lease_owner = NULL, lease_expires_at = NULL, wake_at = ${args.wakeAt ? sql.timestamp(args.wakeAt) : null}
     WHERE id = ${args.runId} AND lease_owner = ${args.owner}`);
}

/** Makes waiting runs due now (an approval was decided, a draft settled, a workflow resumed). */
export async function wakeRuns(db: CommonQueryMethods, args: { runIds: readonly string[]; now: Date }): Promise<number> {
  if (args.runIds.length === 0) return 0;
  const result = await db.query(sql.unsafe`
    UPDATE workflow_runs SET wake_at = ${sql.timestamp(args.now)}
     WHERE id IN (SELECT id FROM workflow_runs WHERE id = ANY(${sql.array(args.runIds, 'uuid')}) AND status IN ('pending', 'running', 'waiting')
                   AND (wake_at IS NULL OR wake_at > ${sql.timestamp(args.now)}) ORDER BY id FOR UPDATE)`);
  return result.rowCount;
}

/** Wakes runs waiting on approvals or drafts that were settled (by any process, or while this one was down). */
export async function wakeRunsWithSettledWaits(db: CommonQueryMethods, now: Date): Promise<number> {
  const approvals = await db.query(sql.unsafe`
    UPDATE workflow_runs r SET wake_at = ${sql.timestamp(now)}
      FROM approvals a
     WHERE r.status = 'waiting' AND r.wake_at IS NULL AND r.waiting_for = 'approval:' || a.id::text
       AND a.status <> 'pending'`);
  const drafts = await db.query(sql.unsafe`
    UPDATE workflow_runs r SET wake_at = ${sql.timestamp(now)}
      FROM actions a
     WHERE r.status = 'waiting' AND r.wake_at IS NULL AND r.waiting_for = 'draft:' || a.id::text
       AND a.status <> 'draft'`);
  return approvals.rowCount + drafts.rowCount;
}

export async function findRun(db: CommonQueryMethods, orgUnitId: string, runId: string): Promise<RunRow | null> {
  return db.maybeOne(sql.type(runRow)`SELECT ${columns} FROM workflow_runs WHERE org_unit_id = ${orgUnitId} AND id = ${runId}`);
}

export async function listRuns(
  db: CommonQueryMethods,
  args: { orgUnitId: string; workflowId?: string; status?: RunStatus; limit: number; before?: Date },
): Promise<readonly RunRow[]> {
  const filters = [sql.fragment`org_unit_id = ${args.orgUnitId}`];
  if (args.workflowId) filters.push(sql.fragment`workflow_id = ${args.workflowId}`);
  if (args.status) filters.push(sql.fragment`status = ${args.status}`);
  if (args.before) filters.push(sql.fragment`created_at < ${sql.timestamp(args.before)}`);
  return db.any(sql.type(runRow)`
    SELECT ${columns} FROM workflow_runs WHERE ${sql.join(filters, sql.fragment` AND `)}
     ORDER BY created_at DESC, id DESC LIMIT ${args.limit}`);
}

/** Run counts per workflow, then per status. */
export async function countRunsByStatus(db: CommonQueryMethods, orgUnitId: string): Promise<ReadonlyMap<string, Readonly<Record<string, number>>>> {
  const rows = await db.any(sql.type(z.object({ workflow_id: z.string(), status: z.string(), count: z.number() }))`
    SELECT workflow_id, status, count(*)::int AS count FROM workflow_runs WHERE org_unit_id = ${orgUnitId} GROUP BY 1, 2`);
  const counts = new Map<string, Record<string, number>>();
  for (const row of rows) counts.set(row.workflow_id, { ...counts.get(row.workflow_id), [row.status]: row.count });
  return counts;
}

export const journalRow = z.object({
  run_id: z.string().uuid(),
  seq: z.number().int(),
  kind: z.enum(['event', 'tool_result', 'timer_fired', 'clock', 'random', 'approval', 'state']),
  step: z.string().nullable(),
  payload: z.record(z.unknown()),
  created_at: z.date(),
});
export type JournalRow = z.infer<typeof journalRow>;

export async function readJournal(db: CommonQueryMethods, runId: string): Promise<readonly JournalRow[]> {
  return db.any(sql.type(journalRow)`SELECT run_id, seq, kind, step, payload, created_at FROM run_journal WHERE run_id = ${runId} ORDER BY seq`);
}

/** What one step commits for one run. */
export type StepCommit = {
  runId: string;
  orgUnitId: string;
  /** The journal length the step started from: the fence. */
  fromLength: number;
  entries: readonly { kind: JournalRow['kind']; step: string | null; payload: Record<string, unknown> }[];
  snapshot: Record<string, unknown>;
  status: RunStatus;
  waitingFor: string | null;
  /** When it should run again (now while more steps follow; null while it waits on a person). */
  wakeAt: Date | null;
  /** Gives up the lease with this commit (the run waits, or has ended). */
  release: boolean;
  error: Record<string, unknown> | null;
  completedAt: Date | null;
  timers: readonly { name: string; fireAt: Date }[];
  cancelledTimers: readonly string[];
  firedTimers: readonly string[];
  outbox: readonly { topic: string; payload: Record<string, unknown> }[];
};

/**
 * Commits many runs' steps in one transaction (the caller's): runs whose lease or journal
 * length moved on are skipped and returned, so one stale step cannot fail the batch.
 */
export async function commitSteps(db: CommonQueryMethods, owner: string, steps: readonly StepCommit[]): Promise<{ rejected: readonly string[] }> {
  if (steps.length === 0) return { rejected: [] };
  const entries = steps.flatMap((step) =>
    step.entries.map((entry, index) => [step.runId, step.fromLength + index + 1, entry.kind, entry.step, JSON.stringify(entry.payload)]),
  );
  const outbox = steps.flatMap((step) => step.outbox.map((row) => [step.orgUnitId, step.runId, row.topic, JSON.stringify(row.payload)]));
  // One statement, one round trip: the runs locked in id order (as every multi-row writer
  // here locks them, so two batches never deadlock), the steps whose fence holds applied,
  // and the journal entries and outbox rows of those steps alone.
  const updated = await db.anyFirst(sql.type(z.object({ id: z.string() }))`/* prepared */
    WITH locked AS (
      SELECT id FROM workflow_runs WHERE id = ANY(${sql.array(steps.map((step) => step.runId), 'uuid')}) ORDER BY id FOR UPDATE
    ), updated AS (
      UPDATE workflow_runs r
         SET journal_length = r.journal_length + s.added, snapshot = s.snapshot, status = s.status, waiting_for = s.waiting_for,
             -- A run kept by its lease keeps its wake_at (past, so a successor takes it at once should
             -- this process die): no indexed column changes, and the row is updated in place (HOT).
             wake_at = CASE WHEN s.release THEN s.wake_at ELSE r.wake_at END,
             error = s.error, completed_at = s.completed_at, updated_at = now(),
             lease_owner = CASE WHEN s.release THEN NULL ELSE r.lease_owner END,
             lease_expires_at = CASE WHEN s.release THEN NULL ELSE r.lease_expires_at END
        FROM ${sql.unnest(
          steps.map((s) => [
            s.runId,
            s.fromLength,
            s.entries.length,
            JSON.stringify(s.snapshot),
            s.status,
            s.waitingFor,
            s.wakeAt?.toISOString() ?? null,
            s.error === null ? null : JSON.stringify(s.error),
            s.completedAt?.toISOString() ?? null,
            s.release,
          ]),
          ['uuid', 'int4', 'int4', 'jsonb', 'text', 'text', 'timestamptz', 'jsonb', 'timestamptz', 'bool'],
        )} AS s(id, from_length, added, snapshot, status, waiting_for, wake_at, error, completed_at, release)
        JOIN locked l ON l.id = s.id
       WHERE r.id = s.id AND r.lease_owner = ${owner} AND r.journal_length = s.from_length
      RETURNING r.id
    ), journal AS (
      INSERT INTO run_journal (run_id, seq, kind, step, payload)
      SELECT j.* FROM ${sql.unnest(entries, ['uuid', 'int4', 'text', 'text', 'jsonb'])} AS j(run_id, seq, kind, step, payload)
       WHERE j.run_id IN (SELECT id FROM updated)
    ), published AS (
      INSERT INTO outbox (org_unit_id, run_id, topic, payload)
      SELECT o.* FROM ${sql.unnest(outbox, ['text', 'uuid', 'text', 'jsonb'])} AS o(org_unit_id, run_id, topic, payload)
       WHERE o.run_id IN (SELECT id FROM updated)
    )
    SELECT id FROM updated`);
  const accepted = new Set(updated);
  const kept = steps.filter((step) => accepted.has(step.runId));
  const timers = kept.flatMap((step) => step.timers.map((timer) => [step.orgUnitId, step.runId, timer.name, timer.fireAt.toISOString()]));
  if (timers.length > 0) {
    await db.query(sql.unsafe`
      INSERT INTO workflow_timers (org_unit_id, run_id, name, fire_at)
      SELECT * FROM ${sql.unnest(timers, ['text', 'uuid', 'text', 'timestamptz'])}
      ON CONFLICT (run_id, name) DO UPDATE SET fire_at = EXCLUDED.fire_at, fired_at = NULL`);
  }
  const settled = kept.flatMap((step) => [...step.cancelledTimers, ...step.firedTimers].map((name) => [step.runId, name]));
  if (settled.length > 0) {
    await db.query(sql.unsafe`
      UPDATE workflow_timers t SET fired_at = now()
        FROM ${sql.unnest(settled, ['uuid', 'text'])} AS s(run_id, name)
       WHERE t.run_id = s.run_id AND t.name = s.name AND t.fired_at IS NULL`);
  }
  return { rejected: steps.filter((step) => !accepted.has(step.runId)).map((step) => step.runId) };
}

export const timerRow = z.object({ name: z.string(), fire_at: z.date() });

/** The run's unfired timers, earliest first. */
export async function pendingTimers(db: CommonQueryMethods, runId: string): Promise<readonly z.infer<typeof timerRow>[]> {
  return db.any(sql.type(timerRow)`
    SELECT name, fire_at FROM workflow_timers WHERE run_id = ${runId} AND fired_at IS NULL ORDER BY fire_at, name`);
}

const relayedEvent = z.object({ org_unit_id: z.string(), seq: z.number().int(), type: z.string(), payload: z.record(z.unknown()), created_at: z.string() });
export type RelayedEvent = Readonly<{ orgUnitId: string; seq: number; type: string; payload: Record<string, unknown>; createdAt: Date }>;

/**
 * Takes up to `limit` unpublished outbox rows, oldest first, and appends those of a stream
 * event type to their org units' live stream logs in the rows' order: one statement, so
 * atomic without a transaction, and one round trip. Returns how many rows it took and the
 * stream events it appended, by org unit and sequence number.
 */
export async function relayOutbox(
  db: CommonQueryMethods,
  args: { limit: number; streamTypes: readonly string[] },
): Promise<{ taken: number; events: readonly RelayedEvent[] }> {
  const row = await db.one(sql.type(z.object({ taken: z.number().int(), events: z.array(relayedEvent) }))`/* prepared */
    WITH taken AS (
      UPDATE outbox o SET published_at = now()
        FROM (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ${args.limit} FOR UPDATE SKIP LOCKED) due
       WHERE o.id = due.id
      RETURNING o.id, o.org_unit_id, o.topic, o.payload
    ), streamed AS (
      SELECT org_unit_id, topic, payload, row_number() OVER (PARTITION BY org_unit_id ORDER BY id) AS ordinal
        FROM taken WHERE topic = ANY(${sql.array([...args.streamTypes], 'text')})
    ), locked AS (
      -- Org units locked in id order, and no harder than the UPDATE below would: FOR UPDATE
      -- would also wait on every transaction that inserted a row referring to the org unit.
      SELECT id FROM org_units WHERE id IN (SELECT org_unit_id FROM streamed) ORDER BY id FOR NO KEY UPDATE
    ), reserved AS (
      UPDATE org_units u SET stream_seq = u.stream_seq + c.n
        FROM (SELECT org_unit_id, count(*) AS n FROM streamed GROUP BY 1) c
        JOIN locked l ON l.id = c.org_unit_id
       WHERE u.id = c.org_unit_id
      RETURNING u.id, u.stream_seq - c.n AS before_seq
    ), appended AS (
      INSERT INTO stream_events (org_unit_id, seq, type, payload)
      SELECT s.org_unit_id, r.before_seq + s.ordinal, s.topic, s.payload
        FROM streamed s JOIN reserved r ON r.id = s.org_unit_id
      RETURNING org_unit_id, seq, type, payload, created_at
    )
    SELECT (SELECT count(*) FROM taken)::int AS taken,
           coalesce((SELECT json_agg(json_build_object('org_unit_id', org_unit_id, 'seq', seq, 'type', type, 'payload', payload, 'created_at', created_at)
                                     ORDER BY org_unit_id, seq) FROM appended), '[]'::json) AS events`);
  return {
    taken: row.taken,
    events: row.events.map((e) => ({ orgUnitId: e.org_unit_id, seq: e.seq, type: e.type, payload: e.payload, createdAt: new Date(e.created_at) })),
  };
}

export async function findRunByKey(db: CommonQueryMethods, orgUnitId: string, idempotencyKey: string): Promise<RunRow | null> {
  return db.maybeOne(sql.type(runRow)`SELECT ${columns} FROM workflow_runs WHERE org_unit_id = ${orgUnitId} AND idempotency_key = ${idempotencyKey}`);
}
