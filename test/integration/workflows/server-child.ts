import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { startCli, type CliEnv, type CliProcess } from '../cli/cli-process.js';

/**
 * `bos start` as a child process running the chain workflows, and what the crash tests ask
 * of it: start runs over HTTP, read them back, and check afterwards that every step's side
 * effect happened exactly once. Nothing here sleeps: callers poll with a deadline.
 */
export const chainModulePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../support/workflows/chain-workflows.ts');

export type ServerChild = { readonly cli: CliProcess; readonly url: string };

/**
 * Starts `bos start` with the chain workflows and a short lease, without the simulated shop
 * (the runs under test are the only work); resolves once it listens.
 */
export async function startServerChild(env: CliEnv, args: readonly string[] = ['start']): Promise<ServerChild> {
  const cli = startCli([...args, '--no-world'], { PORT: '0', BOS_WORKFLOW_MODULES: chainModulePath, WORKFLOW_LEASE_MS: '1000', ...env });
  const [, url] = await cli.waitForLine(/Business OS listening on (http:\/\/\S+)/, 45_000);
  return { cli, url: url ?? '' };
}

/** The tokens a first start prints for the seeded org unit, by role. */
export function printedTokens(stdout: string): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const [, role, token] of stdout.matchAll(/^ {2}(founder|operator|viewer|agent) +(bos_\S+)$/gm)) if (role && token) tokens[role] = token;
  return tokens;
}

const runItem = z.object({ id: z.string(), idempotencyKey: z.string(), status: z.string(), state: z.unknown(), steps: z.number(), journalLength: z.number() });
export type RunItem = z.infer<typeof runItem>;

async function request(url: string, token: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** Starts one run per chain (key `run-<chain>`, payload `{ chain }`), a few requests at a time. */
export async function startChainRuns(server: ServerChild, token: string, orgUnitId: string, workflowId: string, chains: readonly string[]): Promise<void> {
  const route = `/api/org-units/${orgUnitId}/workflows/${workflowId}/runs`;
  for (let from = 0; from < chains.length; from += 10) {
    await Promise.all(chains.slice(from, from + 10).map((chain) => request(server.url, token, 'POST', route, { idempotencyKey: `run-${chain}`, payload: { chain } })));
  }
}

/** Pauses or resumes the workflow (its runs hold at their next step while paused). */
export async function setWorkflowPaused(server: ServerChild, token: string, orgUnitId: string, workflowId: string, paused: boolean): Promise<void> {
  await request(server.url, token, 'POST', `/api/org-units/${orgUnitId}/workflows/${workflowId}/${paused ? 'pause' : 'resume'}`, {});
}

/** Every run of the workflow (at most 200, one page). */
export async function listRuns(server: ServerChild, token: string, orgUnitId: string, workflowId: string): Promise<RunItem[]> {
  const body = await request(server.url, token, 'GET', `/api/org-units/${orgUnitId}/workflows/${workflowId}/runs?limit=200`);
  return z.object({ items: z.array(runItem) }).parse(body).items;
}

/** A run's journal as the API shows it (for failure messages). */
export async function runJournal(server: ServerChild, token: string, orgUnitId: string, runId: string): Promise<unknown> {
  const body = await request(server.url, token, 'GET', `/api/org-units/${orgUnitId}/runs/${runId}`);
  return z.object({ journal: z.array(z.unknown()) }).parse(body).journal;
}

/** Polls the API until `count` runs have all completed; fails at the deadline naming the ones that did not. */
export async function waitForCompletedRuns(server: ServerChild, token: string, orgUnitId: string, workflowId: string, count: number, timeoutMs: number): Promise<RunItem[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await listRuns(server, token, orgUnitId, workflowId);
    if (runs.length === count && runs.every((run) => run.status === 'completed')) return runs;
    if (Date.now() > deadline) {
      const unfinished = runs.filter((run) => run.status !== 'completed').map((run) => `${run.idempotencyKey}: ${run.status} after ${run.steps} steps`);
      throw new Error(`${runs.length}/${count} runs, not completed within ${timeoutMs} ms: ${unfinished.join(', ')}\nserver stderr: ${server.cli.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Total tool results journaled so far over the workflow's runs: how far the server got. */
export async function stepsDone(server: ServerChild, token: string, orgUnitId: string, workflowId: string): Promise<number> {
  const runs = await listRuns(server, token, orgUnitId, workflowId);
  return runs.reduce((sum, run) => sum + run.steps, 0);
}

const effectCount = z.object({ chain: z.string(), step: z.number(), count: z.number() });
const actionCount = z.object({ run_id: z.string().nullable(), count: z.number(), keys: z.number(), succeeded: z.number(), attempts: z.number() });
const journalCount = z.object({ run_id: z.string(), entries: z.number(), results: z.number(), result_steps: z.number(), max_seq: z.number() });

/**
 * What exactly-once means for chains of `steps` tool calls, read from the database: one
 * side-effect row per (chain, step) and nothing else; one succeeded action row per step of
 * each run, each executed in one attempt; each run's journal holds its start, one result
 * per step and an outcome after each, gapless.
 */
export async function exactlyOnceReport(pool: DatabasePool, chains: readonly string[], runIds: readonly string[], steps: number) {
  const effects = await pool.any(sql.type(effectCount)`
    SELECT chain, step, count(*)::int AS count FROM test_side_effects GROUP BY chain, step ORDER BY chain, step`);
  const actions = await pool.any(sql.type(actionCount)`
    SELECT workflow_run_id::text AS run_id, count(*)::int AS count, count(DISTINCT idempotency_key)::int AS keys,
           count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, max(attempts)::int AS attempts
      FROM actions WHERE tool = 'test.write_effect' GROUP BY workflow_run_id`);
  const journals = await pool.any(sql.type(journalCount)`
    SELECT run_id::text AS run_id, count(*)::int AS entries, count(*) FILTER (WHERE kind = 'tool_result')::int AS results,
           count(DISTINCT step) FILTER (WHERE kind = 'tool_result')::int AS result_steps, max(seq)::int AS max_seq
      FROM run_journal GROUP BY run_id`);
  const expectedEffects = chains.flatMap((chain) => Array.from({ length: steps }, (_, index) => ({ chain, step: index + 1, count: 1 })));
  const sorted = [...expectedEffects].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.step - b.step));
  const journalEntries = 2 + 2 * steps;
  return {
    effects: { actual: effects, expected: sorted },
    actions: {
      actual: [...actions].sort((a, b) => String(a.run_id).localeCompare(String(b.run_id))),
      expected: [...runIds].sort().map((runId) => ({ run_id: runId, count: steps, keys: steps, succeeded: steps, attempts: 1 })),
    },
    journals: {
      actual: [...journals].sort((a, b) => a.run_id.localeCompare(b.run_id)),
      expected: [...runIds].sort().map((runId) => ({ run_id: runId, entries: journalEntries, results: steps, result_steps: steps, max_seq: journalEntries })),
    },
  };
}
