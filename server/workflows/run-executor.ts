import type { Logger } from 'pino';
import type { Actor } from '../../engine/governance/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import type { ToolCall, ToolCallResult } from '../../engine/tools/tool.js';
import {
  advanceMachine,
  startMachine,
  WorkflowMachineError,
  type AutonomyLevel,
  type Effect,
  type JournalDraft,
  type RunEvent,
  type StartInput,
  type Step,
  type WorkflowCatalog,
} from '../../engine/workflows/index.js';
import type { RunRow, RunStatus, StepCommit } from '../../db/queries/workflow-runs.js';
import type { ToolRouter } from '../tools/tool-implementation.js';
import type { PendingTool, RunState } from './run-state.js';
import type { StepCommitter } from './step-committer.js';

export type RunExecutorDeps = Readonly<{
  catalog: WorkflowCatalog;
  router: ToolRouter;
  committer: StepCommitter;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The workflow's autonomy level now, and why it may not act with a tool (kill switch, pause), if it may not. */
  governance(run: RunRow, tool: string): Promise<{ autonomy: AutonomyLevel; hold: string | undefined }>;
}>;

/**
 * How a drive ended: the run waits (until `wakeAt`, or until woken), has ended, or lost its
 * lease. A run left `running` or `waiting` may still be leased: the caller gives it back.
 */
export type DriveResult = Readonly<{ status: RunStatus | 'lost'; wakeAt: Date | null }>;

const lost: DriveResult = { status: 'lost', wakeAt: null };

/** A step's commit, the run's state once it is in, and how the drive stands then. */
type PlannedStep = Readonly<{ commit: StepCommit; next: RunState; result: DriveResult }>;

/** How long a run held by a kill switch or a pause waits before it looks again. */
const holdRecheckMs = 1_000;
/** How long a run whose tool call is still in progress elsewhere waits before it asks again. */
const inProgressRecheckMs = 500;

/**
 * Drives one leased run as far as it can go now: starts it, fires due timers, and calls its
 * tools one by one through the router, journaling each result with the machine's outcome in
 * one commit. A crash between a tool call and its commit is harmless: the call is repeated
 * with the same idempotency key and the router answers with the first result.
 */
export function createRunExecutor(deps: RunExecutorDeps) {
  const { catalog, router, committer, clock } = deps;

  async function drive(run: RunRow): Promise<DriveResult> {
    const definition = catalog.version(run.workflow_id, run.definition_version);
    let length = run.journal_length;
    let state = run.snapshot as RunState | null;
    /** The start's entries while they wait to commit with the first tool step (its group commit). */
    let deferred: readonly JournalDraft[] = [];

    /** The commit a step makes, and the run as it stands once it is in. Pure: nothing changes until it commits. */
    function plan(entries: readonly JournalDraft[], next: RunState, step: Step | null, fired: readonly string[] = []): PlannedStep {
      const now = clock.now();
      const { status, waitingFor, wakeAt } = disposition(next, step?.outcome.status ?? next.machine.status, now);
      const ended = status === 'completed' || status === 'failed';
      const effects = step?.outcome.effects ?? [];
      const commit: StepCommit = {
        runId: run.id,
        orgUnitId: run.org_unit_id,
        fromLength: length,
        entries: [...deferred, ...entries].map((entry) => ({ kind: entry.kind, step: entry.step, payload: entry.payload })),
        snapshot: next,
        status,
        waitingFor,
        wakeAt,
        release: status !== 'running',
        error: status === 'failed' ? { message: typeof next.machine.error === 'string' ? next.machine.error : JSON.stringify(next.machine.error ?? 'the machine failed') } : null,
        completedAt: ended ? new Date(now) : null,
        // The rows carry the deadlines the state armed, to the millisecond the run will wake at.
        timers: effects.flatMap((effect) => (effect.kind === 'timer' && next.timers[effect.name] !== undefined ? [{ name: effect.name, fireAt: new Date(next.timers[effect.name] as number) }] : [])),
        cancelledTimers: effects.flatMap((effect) => (effect.kind === 'cancel_timer' ? [effect.name] : [])),
        firedTimers: fired,
        // Every step is news for whoever watches the run: its update commits with it.
        outbox: [{ topic: 'workflow.run.updated', payload: runUpdate(run, status, waitingFor, next.steps) }],
      };
      return { commit, next, result: { status, wakeAt } };
    }

    function committed(planned: PlannedStep): DriveResult {
      length += planned.commit.entries.length;
      deferred = [];
      state = planned.next;
      return planned.result;
    }

    async function commit(entries: readonly JournalDraft[], next: RunState, step: Step | null, fired: readonly string[] = []): Promise<DriveResult> {
      const planned = plan(entries, next, step, fired);
      return (await committer.commit(planned.commit)) ? committed(planned) : lost;
    }

    /** The step a tool's result makes: the machine takes it and moves on to what follows. */
    function toolStep(current: RunState, pending: PendingTool, result: { event: RunEvent; actionId: string | null }): PlannedStep {
      const step = advanceMachine(definition as NonNullable<typeof definition>, current.machine, result.event);
      return plan(
        [
          { kind: 'tool_result', step: pending.step, payload: { event: result.event, actionId: result.actionId } },
          { kind: 'state', step: null, payload: step.outcome },
        ],
        applyStep({ ...current, machine: step.machine, pending: current.pending.slice(1), steps: current.steps + 1 }, step, run.id, length + deferred.length + 1, result.event.at),
        step,
      );
    }

    if (!definition) {
      const message = `workflow ${run.workflow_id} version ${run.definition_version} is not registered in this server`;
      deps.logger.error({ runId: run.id }, message);
      return commit([], failedState(state, 'DEFINITION_MISSING', message), null);
    }

    try {
      if (!state) {
        const start: StartInput = { trigger: triggerOf(run), seed: run.id, at: clock.now() };
        const step = startMachine(definition, start);
        const entries: JournalDraft[] = [{ kind: 'event', step: null, payload: { start } }, { kind: 'state', step: null, payload: step.outcome }];
        const started = applyStep({ machine: step.machine, pending: [], timers: {}, steps: 0 }, step, run.id, length + 1, start.at);
        // A run that starts with a tool call (and no timer, whose row goes with the start's own
        // commit) journals its start in that call's commit: one commit fewer, and nothing is lost
        // if it never comes (the run starts again, the same way). A run that ended has none pending.
        if (started.pending.length > 0 && Object.keys(started.timers).length === 0) {
          deferred = entries;
          state = started;
        } else {
          const result = await commit(entries, started, step);
          if (result.status !== 'running') return result;
        }
      }

      for (;;) {
        const current = state as RunState;
        const now = clock.now();
        const due = Object.entries(current.timers)
          .filter(([, fireAt]) => fireAt <= now)
          .sort(([a, x], [b, y]) => x - y || a.localeCompare(b));
        if (due.length > 0) {
          const [name] = due[0] as [string, number];
          const event: RunEvent = { type: 'timer.fired', name, at: now };
          const step = advanceMachine(definition, current.machine, event);
          const { [name]: _fired, ...rest } = current.timers;
          const result = await commit(
            [{ kind: 'timer_fired', step: null, payload: { event } }, { kind: 'state', step: null, payload: step.outcome }],
            applyStep({ ...current, machine: step.machine, timers: rest }, step, run.id, length + 1, now),
            step,
            [name],
          );
          if (result.status !== 'running' && result.status !== 'waiting') return result;
          continue;
        }

        const next = current.pending[0];
        if (!next) return await commit([], current, null);

        const { autonomy, hold } = await deps.governance(run, next.tool);
        if (hold) {
          deps.logger.info({ runId: run.id, step: next.step, hold }, 'workflows: run held');
          return { status: 'running', wakeAt: new Date(clock.now() + holdRecheckMs) };
        }
        // The plain case joins the next group commit whole; anything else goes one at a time.
        const batched = next.waiting ? null : await router.prepareBatched(toolCall(run, next, autonomy));
        const together = batched ? await committer.commitTool(batched, (result) => toolStep(current, next, toolEvent(next, result, clock.now()))) : null;
        if (together) {
          if (!together.committed) return lost;
          const outcome = committed(together.step);
          if (outcome.status !== 'running') return outcome;
          continue;
        }
        // A call that goes one at a time happens after the start is on record.
        if (deferred.length > 0 && (await commit([], current, null)).status === 'lost') return lost;
        const result = await callTool(run, next, autonomy);
        if ('unsettled' in result) {
          deps.logger.info({ runId: run.id, step: next.step, actionId: result.unsettled }, 'workflows: the tool call is still in progress; asking again shortly');
          return { status: 'running', wakeAt: new Date(clock.now() + inProgressRecheckMs) };
        }
        if ('wait' in result) {
          if (next.waiting?.actionId === result.wait.actionId) return { status: 'waiting', wakeAt: null };
          const waiting = { ...next, waiting: result.wait };
          const entries: JournalDraft[] =
            result.wait.on === 'approval'
              ? [{ kind: 'approval', step: next.step, payload: { actionId: result.wait.actionId, approvalId: result.wait.approvalId ?? null, tool: next.tool } }]
              : [];
          return await commit(entries, { ...current, pending: [waiting, ...current.pending.slice(1)] }, null);
        }
        const planned = toolStep(current, next, result);
        if (!(await committer.commit(planned.commit))) return lost;
        const outcome = committed(planned);
        if (outcome.status !== 'running') return outcome;
      }
    } catch (error) {
      if (error instanceof WorkflowMachineError) return commit([], failedState(state, 'MACHINE_ERROR', error.message), null);
      throw error;
    }
  }

  async function callTool(
    run: RunRow,
    pending: PendingTool,
    autonomy: AutonomyLevel,
  ): Promise<{ event: RunEvent; actionId: string | null } | { wait: NonNullable<PendingTool['waiting']> } | { unsettled: string | null }> {
    const result: ToolCallResult =
      pending.waiting?.on === 'approval' ? await router.resumeApproved(run.org_unit_id, pending.waiting.actionId) : await router.call(toolCall(run, pending, autonomy));
    switch (result.status) {
      case 'awaiting_approval':
        return { wait: { on: 'approval', actionId: result.actionId, approvalId: result.approvalId } };
      case 'draft':
        return { wait: { on: 'draft', actionId: result.actionId } };
      case 'failed':
        // The key's action has no outcome yet (another call is running it): journaling this as
        // the step's result would fail a step whose effect may still happen. Ask again later.
        if (result.code === 'TOOL_IN_PROGRESS') return { unsettled: result.actionId };
        return toolEvent(pending, result, clock.now());
      default:
        return toolEvent(pending, result, clock.now());
    }
  }

  return { drive };
}

/** The call a pending step makes, keyed by its place in the journal so a repeat after a crash is the same call. */
function toolCall(run: RunRow, pending: PendingTool, autonomy: AutonomyLevel): ToolCall {
  return {
    orgUnitId: run.org_unit_id,
    tool: pending.tool,
    input: pending.input,
    actor: workflowActor(run.workflow_id),
    mode: 'execute',
    idempotencyKey: pending.key,
    context: { workflowId: run.workflow_id, runId: run.id },
    workflow: { runId: run.id, step: pending.step, autonomy },
  };
}

/** What the machine hears of a settled call: done with its output, or failed with why. */
function toolEvent(pending: PendingTool, result: ToolCallResult, at: number): { event: RunEvent; actionId: string | null } {
  switch (result.status) {
    case 'succeeded':
      return { event: { type: 'tool.done', step: pending.step, output: result.output, at }, actionId: result.actionId };
    case 'failed':
    case 'denied':
      return { event: { type: 'tool.failed', step: pending.step, code: result.code, message: result.message, at }, actionId: result.actionId };
    default:
      return { event: { type: 'tool.failed', step: pending.step, code: 'TOOL_MODE', message: `unexpected ${result.status} result`, at }, actionId: result.actionId };
  }
}

/** Who a workflow acts as: the system, on the workflow's behalf (autonomous, so the kill switch covers it). */
export function workflowActor(workflowId: string): Actor {
  return { id: `workflow:${workflowId}`, kind: 'system', role: 'system' };
}

function triggerOf(run: RunRow): StartInput['trigger'] {
  const trigger = run.input.trigger as StartInput['trigger'] | undefined;
  return trigger ?? { type: 'manual', eventId: null, payload: run.input };
}

/** Adds the step's new effects: tools queue behind those still pending, timers are armed. */
function applyStep(state: RunState, step: Step, runId: string, position: number, at: number): RunState {
  const tools: PendingTool[] = [];
  const timers = { ...state.timers };
  step.outcome.effects.forEach((effect: Effect, index) => {
    if (effect.kind === 'tool') tools.push({ ...effect, key: `run:${runId}:${position}:${index}` });
    else if (effect.kind === 'timer') timers[effect.name] = at + effect.delayMs;
    else delete timers[effect.name];
  });
  const ended = step.outcome.status !== 'active';
  return { ...state, pending: ended ? [] : [...state.pending, ...tools], timers: ended ? {} : timers };
}

function disposition(state: RunState, machineStatus: string, now: number): { status: RunStatus; waitingFor: string | null; wakeAt: Date | null } {
  if (machineStatus === 'done') return { status: 'completed', waitingFor: null, wakeAt: null };
  if (machineStatus === 'error' || machineStatus === 'stopped') return { status: 'failed', waitingFor: null, wakeAt: null };
  const next = state.pending[0];
  if (next?.waiting) {
    const id = next.waiting.on === 'approval' ? (next.waiting.approvalId ?? next.waiting.actionId) : next.waiting.actionId;
    return { status: 'waiting', waitingFor: `${next.waiting.on}:${id}`, wakeAt: null };
  }
  if (next) return { status: 'running', waitingFor: null, wakeAt: new Date(now) };
  const timers = Object.entries(state.timers).sort(([, a], [, b]) => a - b);
  const first = timers[0];
  if (first) return { status: 'waiting', waitingFor: `timer:${first[0]}`, wakeAt: new Date(first[1]) };
  return { status: 'waiting', waitingFor: 'event', wakeAt: null };
}

function runUpdate(run: RunRow, status: RunStatus, waitingFor: string | null, steps: number): Record<string, unknown> {
  return { runId: run.id, workflowId: run.workflow_id, status, waitingFor, steps };
}

/** The run as it ends on a failure outside its machine: what it had, marked as an error. */
function failedState(state: RunState | null, code: string, message: string): RunState {
  const machine = { value: state?.machine.value ?? null, context: state?.machine.context ?? null, status: 'error' as const, error: `${code}: ${message}` };
  return { machine, pending: [], timers: {}, steps: state?.steps ?? 0 };
}
