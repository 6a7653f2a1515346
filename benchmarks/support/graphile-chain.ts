/**
 * The durable-workflow benchmark's baseline: graphile-worker running each workflow as a
 * chain of 3 jobs on the same database. Job `step` writes one effect row and, for steps 1
 * and 2, enqueues the next step with `graphile_worker.add_job` in the same transaction, so
 * a chain never loses or duplicates a step on a crash between the two. Tuned the way the
 * graphile-worker performance guide tunes for throughput: a local queue that fetches jobs
 * in batches, batched job completion, LISTEN/NOTIFY for new jobs (the default) and a short
 * poll interval as the fallback. Installs into its own schema and drops it afterwards.
 */
import { Logger, makeWorkerUtils, run, runMigrations, type Task } from 'graphile-worker';
import pg from 'pg';

export type ChainOptions = Readonly<{
  connectionString: string;
  /** How many 3-step chains to run. */
  workflows: number;
  /** Jobs run at once by the worker pool. */
  concurrency: number;
  /** Jobs the pool fetches and locks per query (graphile's localQueue.size); -1 turns batching off. */
  localQueueSize?: number;
  /** graphile's completeJobBatchDelay in ms; -1 completes each job with its own query. */
  completeJobBatchDelay?: number;
}>;

export type WorkflowFigures = Readonly<{
  workflowsPerSecond: number;
  stepsPerSecond: number;
  /** From the job's run_at (its creation, for jobs due at once) to its effect committed. */
  stepP50Ms: number;
  stepP99Ms: number;
  /** From the step's handler starting to its effect committed: the step without its queueing. */
  stepRunP50Ms?: number;
  stepRunP99Ms?: number;
  /** From the bulk enqueue to the last step 3 committed. */
  elapsedMs: number;
}>;

const schema = 'graphile_worker';
const stepsPerChain = 3;
const silent = new Logger(() => (level, message) => {
  if (String(level) === 'error') process.stderr.write(`graphile-worker: ${message}\n`);
});

export async function runGraphileChainBaseline(options: ChainOptions): Promise<WorkflowFigures> {
  const { connectionString, workflows, concurrency } = options;
  await resetSchema(connectionString);
  await runMigrations({ connectionString, schema, logger: silent });

  const latencies: number[] = [];
  const runs: number[] = [];
  let finished = 0;
  let failure: Error | undefined;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });

  const step: Task = async (payload, helpers) => {
    const { chain, step: n } = payload as { chain: number; step: number };
    const began = performance.now();
    await helpers.withPgClient(async (client) => {
      // The effect and the next job commit together: graphile's transactional enqueue.
      await client.query('BEGIN');
      try {
        await client.query('INSERT INTO bench_graphile_effects (chain_id, step, written_at) VALUES ($1, $2, clock_timestamp())', [chain, n]);
        if (n < stepsPerChain) await client.query('SELECT graphile_worker.add_job($1, $2::json)', ['step', JSON.stringify({ chain, step: n + 1 })]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    });
    const ended = performance.now();
    runs.push(ended - began);
    latencies.push(performance.timeOrigin + ended - helpers.job.run_at.getTime());
    if (n === stepsPerChain) {
      finished += 1;
      if (finished === workflows) allDone();
    }
  };

  const runner = await run({
    connectionString,
    schema,
    concurrency,
    maxPoolSize: concurrency + 4,
    pollInterval: 100,
    noHandleSignals: true,
    logger: silent,
    taskList: { step },
    preset: {
      worker: {
        localQueue: { size: options.localQueueSize ?? Math.max(2, concurrency * 2) },
        completeJobBatchDelay: options.completeJobBatchDelay ?? 0,
      },
    },
  });
  runner.events.on('job:error', ({ error }) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    allDone();
  });

  const utils = await makeWorkerUtils({ connectionString, schema, logger: silent });
  try {
    const started = performance.now();
    const specs = Array.from({ length: workflows }, (_, chain) => ({ identifier: 'step', payload: { chain, step: 1 } }));
    // One add_jobs call per 1,000 chains: the bulk enqueue a graphile user would write.
    for (let i = 0; i < specs.length; i += 1000) await utils.addJobs(specs.slice(i, i + 1000));
    await done;
    const elapsedMs = performance.now() - started;
    if (failure !== undefined) throw failure;
    await assertEffects(connectionString, workflows);
    latencies.sort((a, b) => a - b);
    runs.sort((a, b) => a - b);
    return {
      workflowsPerSecond: workflows / (elapsedMs / 1000),
      stepsPerSecond: (workflows * stepsPerChain) / (elapsedMs / 1000),
      stepP50Ms: percentile(latencies, 0.5),
      stepP99Ms: percentile(latencies, 0.99),
      stepRunP50Ms: percentile(runs, 0.5),
      stepRunP99Ms: percentile(runs, 0.99),
      elapsedMs,
    };
  } finally {
    await utils.release();
    await runner.stop();
    await dropSchema(connectionString);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function resetSchema(connectionString: string): Promise<void> {
  return withClient(connectionString, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query('DROP TABLE IF EXISTS bench_graphile_effects');
    await client.query('CREATE TABLE bench_graphile_effects (chain_id integer NOT NULL, step integer NOT NULL, written_at timestamptz NOT NULL, PRIMARY KEY (chain_id, step))');
  });
}

function dropSchema(connectionString: string): Promise<void> {
  return withClient(connectionString, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query('DROP TABLE IF EXISTS bench_graphile_effects');
  });
}

/** Every chain ran each step exactly once. */
async function assertEffects(connectionString: string, workflows: number): Promise<void> {
  const { rows } = await withClient(connectionString, (client) => client.query<{ n: string }>('SELECT count(*) AS n FROM bench_graphile_effects'));
  const n = Number(rows[0]?.n);
  if (n !== workflows * stepsPerChain) throw new Error(`graphile chain: expected ${workflows * stepsPerChain} effect rows, found ${n}`);
}
