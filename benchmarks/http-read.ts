/**
 * An authenticated, org-scoped read route (token check, validation, org scoping, problem
 * handling, rate limiting, metrics, security headers) against a bare fastify hello-world,
 * loaded alike in alternating rounds of the same run. Target: ratio >= 0.5.
 *
 * The load comes from wrk (Debian's `wrk` package) when it is installed: a C client that
 * costs little per response, so the figure is the server's. Without it, autocannon in a
 * worker thread, whose JavaScript response parsing shares the machine's two cores and
 * penalises larger answers; the JSON line says which generator ran.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { upsertOrgUnit } from '../db/queries/org-units.js';
import { buildApp } from '../server/app.js';
import { createApiToken } from '../server/auth/token-service.js';
import { loadConfig } from '../server/config/config.js';
import { createLogger } from '../server/logging.js';
import { createTestDatabase } from '../test/support/database.js';
import { printReport } from './support/report.js';
import { median } from './support/stats.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = 3;
const connections = 32;

type Load = { rps: number; p99: number; errors: number };

const hasWrk = spawnSync('wrk', ['--version']).error === undefined;

/** wrk's summary: `Requests/sec: 12345.67`, the 99% latency line, and any non-2xx count. */
async function wrkLoad(url: string, headers: Record<string, string>): Promise<Load> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
  // Asynchronous: the servers under test run on this process's event loop.
  const { stdout: out } = await promisify(execFile)('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99Match = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const p99 = p99Match ? Number(p99Match[1]) * scale[p99Match[2] as keyof typeof scale] : Number.NaN;
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p99, errors };
}

async function load(url: string, headers: Record<string, string>): Promise<Load> {
  if (hasWrk) return wrkLoad(url, headers);
  const result = await autocannon({ url, connections, duration: seconds, headers, pipelining: 1, workers: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

/** Alternating rounds, medians of each: the machine's noise hits both sides alike. */
async function compare(ours: () => Promise<Load>, baseline: () => Promise<Load>) {
  const a: Load[] = [];
  const b: Load[] = [];
  for (let round = 0; round < rounds; round += 1) {
    b.push(await baseline());
    a.push(await ours());
  }
  return {
    ours: { rps: median(a.map((l) => l.rps)), p99: median(a.map((l) => l.p99)), errors: a.reduce((n, l) => n + l.errors, 0) },
    baseline: { rps: median(b.map((l) => l.rps)), p99: median(b.map((l) => l.p99)) },
  };
}

const db = await createTestDatabase();
await upsertOrgUnit(db.pool, { id: 'lsn_main', name: 'Live Shopping Network' });
const { token } = await createApiToken(db.pool, { orgUnitId: 'lsn_main', name: 'bench-viewer', role: 'viewer', now: Date.now() });
const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000000' });
const { app } = await buildApp({ config, database: db, logger: createLogger(config), readiness: { state: 'serving' } });
const ours = await app.listen({ host: '127.0.0.1', port: 0 });

const hello = Fastify();
hello.get('/hello', () => ({ hello: 'world' }));
const bare = await hello.listen({ host: '127.0.0.1', port: 0 });

const route = `${ours}/api/org-units/lsn_main`;
const auth = { authorization: `Bearer ${token}` };
await load(route, auth); // warm-up: JIT, caches, connections
await load(`${bare}/hello`, {});
const { ours: measured, baseline } = await compare(() => load(route, auth), () => load(`${bare}/hello`, {}));
if (measured.errors > 0) throw new Error(`${measured.errors} requests to the org route failed`);
// The same app's public /livez pays what every route pays (logging, metrics, headers), so
// this second ratio isolates what the issue names: auth, validation and org scoping.
const { baseline: publicRoute } = await compare(() => load(route, auth), () => load(`${ours}/livez`, {}));

printReport({
  name: 'http-read',
  metric: 'requests_per_second',
  value: measured.rps,
  unit: 'req/s',
  baseline: 'bare fastify hello-world',
  baselineValue: baseline.rps,
  ratio: measured.rps / baseline.rps,
  target: 'ratio >= 0.5',
  p99LatencyMs: measured.p99,
  sameAppPublicRouteValue: publicRoute.rps,
  ratioToSameAppPublicRoute: measured.rps / publicRoute.rps,
  baselineP99LatencyMs: baseline.p99,
  connections,
  seconds,
  rounds,
  database: db.kind,
  loadGenerator: hasWrk ? 'wrk' : 'autocannon',
});

await Promise.all([app.close(), hello.close()]);
await db.close();
process.exit(0);
