/**
 * Durable workflows end to end: a 3-step workflow, each step a tool call writing one row,
 * against graphile-worker running an equivalent chain of 3 jobs on the same database
 * (benchmarks/support/graphile-chain.ts), both measured in this run. Targets on the 2-core
 * machine: >= 2,000 workflows/s (6,000 durable steps/s), step p50 <= 2 ms, ratio >= 1.
 * Both run BENCH_CONCURRENCY at once (default 64, the server's WORKFLOW_CONCURRENCY); the
 * baseline also runs at 16 and 32, and the best of its runs is the second ratio's, so the
 * product is not compared only with a setting that suits it.
 * Needs PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/bos_bench (created
 * when missing). BENCH_WORKFLOWS sizes the run.
 */
import pg from 'pg';
import { runGraphileChainBaseline, type WorkflowFigures } from './support/graphile-chain.js';
import { runProductWorkflows as runDurableWorkflows } from './support/product-workflows.js';
import { printReport } from './support/report.js';

export type WorkflowBenchOptions = Readonly<{ connectionString: string; workflows: number; concurrency: number }>;

/**
 * The product side plugs in here: a function that runs `workflows` 3-step workflows on the
 * durable workflow runtime against `connectionString`, at most `concurrency` steps at once,
 * and returns the same figures as the baseline (elapsed from starting them to the last
 * step's effect committed). Until it is set, the script prints the baseline alone.
 */
const runProductWorkflows: ((options: WorkflowBenchOptions) => Promise<WorkflowFigures>) | undefined = runDurableWorkflows;

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bos_bench';
const workflows = Number(process.env.BENCH_WORKFLOWS ?? 3000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const baselineConcurrencies = [...new Set([16, 32, concurrency])];

await ensureDatabase(connectionString);
const options: WorkflowBenchOptions = { connectionString, workflows, concurrency };

// A short warm-up run of each side first, so neither pays for JIT and cold caches.
await runGraphileChainBaseline({ ...options, workflows: Math.min(500, workflows) });
const baselines = new Map<number, WorkflowFigures>();
for (const at of baselineConcurrencies) baselines.set(at, await runGraphileChainBaseline({ ...options, concurrency: at }));
const baseline = baselines.get(concurrency) as WorkflowFigures;
const [bestAt, best] = [...baselines].reduce((a, b) => (b[1].workflowsPerSecond > a[1].workflowsPerSecond ? b : a));
let product: WorkflowFigures | null = null;
if (runProductWorkflows) {
  await runProductWorkflows({ ...options, workflows: Math.min(500, workflows) });
  product = await runProductWorkflows(options);
}

printReport({
  name: 'durable-workflow',
  metric: '3-step workflows per second, end to end',
  value: product?.workflowsPerSecond ?? null,
  unit: 'workflows/s',
  baseline: 'graphile-worker 0.17: a chain of 3 jobs, each writing one row and enqueuing the next in its transaction',
  baselineValue: baseline.workflowsPerSecond,
  ratio: product ? product.workflowsPerSecond / baseline.workflowsPerSecond : null,
  baselineBestValue: best.workflowsPerSecond,
  baselineBestConcurrency: bestAt,
  ratioToBestBaseline: product ? product.workflowsPerSecond / best.workflowsPerSecond : null,
  baselineByConcurrency: Object.fromEntries([...baselines].map(([at, figures]) => [at, Math.round(figures.workflowsPerSecond * 10) / 10])),
  target: '>= 2000 workflows/s (6000 steps/s), step p50 <= 2 ms, ratio >= 1',
  database: 'postgres',
  workflows,
  concurrency,
  product: product ? rounded(product) : null,
  baselineFigures: rounded(baseline),
});

function rounded(figures: WorkflowFigures): Record<string, number> {
  return Object.fromEntries(Object.entries(figures).map(([key, n]) => [key, Math.round(Number(n) * 100) / 100]));
}

/** Creates the benchmark's database when it does not exist yet (connecting to `postgres` to do it). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
