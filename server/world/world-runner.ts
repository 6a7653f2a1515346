import { initialState, simulateDay, type DaySummary, type World, type WorldState } from '../../engine/world/simulation.js';
import type { EventSink } from './event-sinks.js';
import type { LeverSource } from './world-levers.js';

/** One simulated day as the runner saw it: the day's summary and how posting went. */
export type WorldDayReport = Readonly<{
  summary: DaySummary;
  stored: number;
  duplicates: number;
  /** Wall time to step the world and to post its events. */
  generateMs: number;
  postMs: number;
}>;

export type WorldRunnerTimers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type WorldRunnerOptions = {
  world: World;
  levers: LeverSource;
  sink: EventSink;
  /** The first simulated day (YYYY-MM-DD); ignored when `state` is given. */
  startDate: string;
  /** Carry on from this state instead of the world's first day. */
  state?: WorldState;
  /** Wall milliseconds per simulated day when started; 0 runs days back to back. */
  msPerDay: number;
  /** Days to run when started; unbounded (until stop) when left out. */
  days?: number;
  now?: () => number;
  timers?: WorldRunnerTimers;
};

export type WorldRunner = {
  /** Runs the next `n` days now, one after another, without waiting between them. */
  runDays(n: number): Promise<WorldDayReport[]>;
  /** Runs days on the timer, one every `msPerDay`, until `days` are done or `stop()`. */
  start(): void;
  /** Stops the timer and waits for the day in progress; resolves once nothing runs. */
  stop(): Promise<void>;
  /** Settles when a started run ends: all its days done, stopped, or failed (rejects then). */
  finished(): Promise<void>;
  /** Told after each day is posted. */
  onDay(listener: (report: WorldDayReport) => void): () => void;
  state(): WorldState;
};

const defaultTimers: WorldRunnerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Drives the world in accelerated time: each day it reads the levers, steps the world and
 * posts the day's events. Days run one at a time, in order, so state and posting agree.
 */
export function createWorldRunner(options: WorldRunnerOptions): WorldRunner {
  const now = options.now ?? (() => performance.now());
  const timers = options.timers ?? defaultTimers;
  const listeners = new Set<(report: WorldDayReport) => void>();
  let state = options.state ?? initialState(options.world, options.startDate);
  let queue: Promise<unknown> = Promise.resolve();
  let timer: unknown;
  let running = false;
  let remaining = options.days ?? Number.POSITIVE_INFINITY;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  let done: Promise<void> = Promise.resolve();

  async function runDay(): Promise<WorldDayReport> {
    const started = now();
    const levers = await options.levers.read(state.date);
    const result = simulateDay(options.world, state, levers);
    const generated = now();
    const outcome = await options.sink.post(result.events);
    // The state moves on only once the day is posted: a failed day is run again, not skipped.
    state = result.state;
    const report = { summary: result.summary, ...outcome, generateMs: generated - started, postMs: now() - generated };
    for (const listener of listeners) listener(report);
    return report;
  }

  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  }

  function finish(error?: unknown) {
    running = false;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const s = settle;
    settle = undefined;
    if (error === undefined) s?.resolve();
    else s?.reject(error);
  }

  function tick() {
    timer = undefined;
    if (!running) return;
    const started = now();
    exclusive(runDay).then(
      () => {
        remaining -= 1;
        if (!running) return;
        if (remaining <= 0) return finish();
        timer = timers.setTimeout(tick, Math.max(0, options.msPerDay - (now() - started)));
      },
      (error: unknown) => finish(error),
    );
  }

  return {
    runDays(n) {
      return exclusive(async () => {
        const reports: WorldDayReport[] = [];
        for (let i = 0; i < n; i += 1) reports.push(await runDay());
        return reports;
      });
    },
    start() {
      if (running) return;
      running = true;
      done = new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      });
      // Observed through finished(); a failure must not surface as an unhandled rejection.
      done.catch(() => undefined);
      if (remaining <= 0) return finish();
      tick();
    },
    async stop() {
      if (running) finish();
      await queue;
    },
    finished: () => done,
    onDay(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    state: () => state,
  };
}
