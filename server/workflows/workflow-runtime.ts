import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { sql, type DatabasePool } from 'slonik';
import { createActor, type Actor as XStateActor } from 'xstate';
import { listWorkflows } from '../../db/queries/workflows.js';
import { claimDueRuns, createRuns, releaseRun, renewLeases, wakeRuns, wakeRunsWithSettledWaits, type RunRow } from '../../db/queries/workflow-runs.js';
import type { Clock } from '../../engine/kernel/index.js';
import type { AutonomyLevel, WorkflowCatalog } from '../../engine/workflows/index.js';
import { holdReason, orgUnitMachine } from '../../machines/org-unit.js';
import type { StreamEnvelope } from '../contracts/stream-events.js';
import type { KillSwitchStateCache } from '../governance/kill-switch-state.js';
import type { ToolRouter } from '../tools/tool-implementation.js';
import { createOutboxRelay } from './outbox-relay.js';
import { createRunExecutor, type DriveResult } from './run-executor.js';
import { createStepCommitter } from './step-committer.js';

export type WorkflowRuntimeOptions = Readonly<{
  /** This process's name on the leases it holds; unique per process. */
  owner?: string;
  /** How long a lease lasts without renewal: how soon another process takes over a dead one's runs. */
  leaseMs?: number;
  /** How often to look for due runs when nothing woke the runtime. */
  pollMs?: number;
  /** Runs driven at once by this process. */
  concurrency?: number;
  /** How stale another process's autonomy and pause changes may be here. */
  settingsTtlMs?: number;
  /** A PostgreSQL URL to LISTEN on for wake-ups from other processes (not on the embedded database). */
  listenUrl?: string;
}>;

export type WorkflowRuntimeDeps = Readonly<{
  pool: DatabasePool;
  catalog: WorkflowCatalog;
  router: ToolRouter;
  killSwitch: KillSwitchStateCache;
  clock: Clock;
  logger: Logger;
  announce: (envelopes: readonly StreamEnvelope[]) => void;
}>;

export type StartRunInput = Readonly<{ idempotencyKey: string; trigger?: { type: string; payload: Record<string, unknown> } }>;

export type WorkflowRuntime = {
  readonly owner: string;
  start(): Promise<void>;
  /** Stops claiming, lets in-flight steps commit, and gives back every lease. */
  stop(): Promise<void>;
  /** Looks for due runs now (here, and in every listening process). */
  wake(runIds?: readonly string[]): Promise<void>;
  /** Starts a run by hand (idempotent by key); null if the key was used before. */
  startRun(orgUnitId: string, workflowId: string, input: StartRunInput): Promise<RunRow | null>;
  /** Workflow settings changed in the database by other means (a kill switch engage or release): read them again. */
  settingsStale(orgUnitId: string): void;
  /** Tells the org unit's actor about a change this process made. */
  settingsChanged(orgUnitId: string, workflowId: string, change: { autonomy?: AutonomyLevel; paused?: boolean }): void;
};

const notifyChannel = 'bos_workflow_runs';

/**
 * Hosts workflow runs: claims due runs by lease, drives each as far as it goes, commits
 * steps in groups, relays the outbox to the live stream, and renews the leases it holds.
 * Any number of processes may run one against the same database.
 */
export function createWorkflowRuntime(deps: WorkflowRuntimeDeps, options: WorkflowRuntimeOptions = {}): WorkflowRuntime {
  const { pool, clock, logger, killSwitch } = deps;
  const owner = options.owner ?? `bos-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  const concurrency = options.concurrency ?? 64;
  const settingsTtlMs = options.settingsTtlMs ?? 1_000;
  const log = logger.child({ component: 'workflows', owner });

  const relay = createOutboxRelay({ pool, announce: deps.announce, logger: log });
  const committer = createStepCommitter({ pool, router: deps.router, owner, logger: log, onCommitted: () => relay.kick() });
  type OrgUnitEntry = { actor: XStateActor<typeof orgUnitMachine>; loadedAt: number; loading: Promise<void> | undefined; changes: number };
  const orgUnits = new Map<string, OrgUnitEntry>();
  const active = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let listener: pg.Client | undefined;
  let stopped = true;
  let cycling: Promise<void> | undefined;
  let cycleAgain = false;
  let polling = false;

  async function orgUnit(orgUnitId: string) {
    let entry = orgUnits.get(orgUnitId);
    if (!entry) {
      entry = { actor: createActor(orgUnitMachine, { input: { orgUnitId } }).start(), loadedAt: -Infinity, loading: undefined, changes: 0 };
      orgUnits.set(orgUnitId, entry);
    }
    // Every caller waits for the same load: a run must never see an org unit before its settings arrived.
    if (!entry.loading && clock.now() - entry.loadedAt >= settingsTtlMs) entry.loading = loadSettings(entry, orgUnitId);
    await entry.loading;
    await killSwitch.refresh(orgUnitId);
    const engaged = [...killSwitch.current(orgUnitId).engaged].sort();
    if (engaged.join() !== entry.actor.getSnapshot().context.killSwitch.join()) {
      entry.actor.send({ type: 'kill_switch.changed', engaged });
      // An engage pauses workflows and a release drops them to A0 (in the database): read them now, not a TTL later.
      entry.changes += 1;
      entry.loading ??= loadSettings(entry, orgUnitId);
      await entry.loading;
    }
    return entry.actor.getSnapshot().context;
  }

  async function loadSettings(entry: OrgUnitEntry, orgUnitId: string): Promise<void> {
    try {
      let rows;
      let changesBefore;
      // A change made here while the read was in flight is newer than what it read: read again.
      do {
        changesBefore = entry.changes;
        rows = await listWorkflows(pool, orgUnitId);
      } while (entry.changes !== changesBefore);
      entry.actor.send({ type: 'workflows.loaded', workflows: Object.fromEntries(rows.map((row) => [row.id, { autonomy: row.autonomy, paused: row.paused }])) });
      entry.loadedAt = clock.now();
    } finally {
      entry.loading = undefined;
    }
  }

  const executor = createRunExecutor({
    catalog: deps.catalog,
    router: deps.router,
    committer,
    clock,
    logger: log,
    async governance(run, tool) {
      const context = await orgUnit(run.org_unit_id);
      return { autonomy: context.workflows[run.workflow_id]?.autonomy ?? 'a0_manual', hold: holdReason(context, run.workflow_id, tool) };
    },
  });

  async function driveOne(run: RunRow): Promise<void> {
    let result: DriveResult;
    try {
      result = await executor.drive(run);
    } catch (error) {
      // An outage or a bug: give the run back to retry shortly rather than spin on it.
      log.error({ err: error, runId: run.id }, 'workflows: driving a run failed; it will be retried');
      result = { status: 'running', wakeAt: new Date(clock.now() + Math.min(leaseMs, 2_000)) };
    }
    if (result.status === 'running' || result.status === 'waiting') {
      await releaseRun(pool, { runId: run.id, owner, wakeAt: result.wakeAt }).catch((error: unknown) => log.error({ err: error, runId: run.id }, 'workflows: could not release a run'));
    }
  }

  function launch(run: RunRow): void {
    const work = driveOne(run).finally(() => {
      active.delete(run.id);
      if (!stopped) kick();
    });
    active.set(run.id, work);
  }

  async function cycle(): Promise<void> {
    do {
      cycleAgain = false;
      const capacity = concurrency - active.size;
      if (stopped || capacity <= 0) break;
      try {
        const runs = await claimDueRuns(pool, { owner, now: new Date(clock.now()), leaseMs, limit: capacity });
        // A run this process still drives (its lease lapsed and came back to it) is not driven twice.
        for (const run of runs) if (!active.has(run.id)) launch(run);
        // A full claim may have left due runs behind.
        if (runs.length === capacity) cycleAgain = true;
      } catch (error) {
        log.error({ err: error }, 'workflows: claiming due runs failed');
      }
    } while (cycleAgain && !stopped);
  }

  /**
   * The slow path of waking: runs whose approval or draft was settled by another process, or
   * while this one was down. Settlements made here wake their run at once (wake()).
   */
  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      await wakeRunsWithSettledWaits(pool, new Date(clock.now()));
    } catch (error) {
      log.error({ err: error }, 'workflows: waking runs with settled approvals or drafts failed');
    } finally {
      polling = false;
    }
    kick();
  }

  function kick(): void {
    if (cycling) {
      cycleAgain = true;
      return;
    }
    // Cleared when the cycle settles (it may settle at once, with no capacity); a kick meanwhile runs another.
    cycling = cycle().finally(() => {
      cycling = undefined;
      if (cycleAgain && !stopped) kick();
    });
  }

  async function listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', () => kick());
    client.on('error', (error) => log.error({ err: error }, 'workflows: the LISTEN connection failed; polling continues'));
    await client.connect();
    await client.query(`LISTEN ${notifyChannel}`);
    listener = client;
  }

  async function notifyOthers(): Promise<void> {
    if (options.listenUrl) await pool.query(sql.unsafe`SELECT pg_notify(${notifyChannel}, '')`);
  }

  const runtime: WorkflowRuntime = {
    owner,
    async start() {
      if (!stopped) return;
      stopped = false;
      if (options.listenUrl) await listen(options.listenUrl);
      timer = setInterval(() => void poll(), pollMs);
      heartbeat = setInterval(() => {
        const until = new Date(clock.now() + leaseMs);
        renewLeases(pool, { owner, runIds: [...active.keys()], until }).catch((error: unknown) => log.error({ err: error }, 'workflows: renewing leases failed'));
      }, Math.max(100, Math.floor(leaseMs / 3)));
      relay.kick();
      await poll();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      clearInterval(heartbeat);
      await cycling;
      await Promise.allSettled(active.values());
      await committer.drain();
      await relay.drain();
      await listener?.end().catch(() => undefined);
      listener = undefined;
      for (const { actor } of orgUnits.values()) actor.stop();
      orgUnits.clear();
    },
    async wake(runIds) {
      if (runIds && runIds.length > 0) await wakeRuns(pool, { runIds, now: new Date(clock.now()) });
      kick();
      await notifyOthers();
    },
    async startRun(orgUnitId, workflowId, input) {
      const trigger = { type: input.trigger?.type ?? 'manual', eventId: null, payload: input.trigger?.payload ?? {} };
      const [run] = await createRuns(pool, [{ orgUnitId, workflowId, idempotencyKey: input.idempotencyKey, triggerEventId: null, input: { trigger } }], new Date(clock.now()));
      if (run) await runtime.wake();
      return run ?? null;
    },
    settingsStale(orgUnitId) {
      const entry = orgUnits.get(orgUnitId);
      if (!entry) return;
      entry.changes += 1;
      entry.loadedAt = -Infinity;
    },
    settingsChanged(orgUnitId, workflowId, change) {
      const entry = orgUnits.get(orgUnitId);
      if (!entry) return;
      entry.changes += 1;
      const { actor } = entry;
      if (change.autonomy) actor.send({ type: 'workflow.autonomy_changed', workflowId, autonomy: change.autonomy });
      if (change.paused === true) actor.send({ type: 'workflow.paused', workflowId });
      if (change.paused === false) actor.send({ type: 'workflow.resumed', workflowId });
    },
  };
  return runtime;
}
