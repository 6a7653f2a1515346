/**
 * The live path end to end: a world event (an order the simulated shop places, posted over
 * HTTP as a shop's integration would) → the fraud-detection workflow scores it and decides to
 * let it through or block it → that decision streamed to 200 console-like Socket.IO clients.
 * Latency runs from the POST's start to each client's receipt of the run's first update
 * after the decision (one sample per client per order). Baseline in the same run: the same
 * POSTs' `event.ingested` reaching the same clients (the stream path without the workflow).
 * Target: p99 <= 200 ms end to end.
 *
 * The clients run in a child process (this same file, with `--clients`), so the server and the
 * clients each have a core. Database: in-memory PGlite, or DATABASE_URL. Env:
 * BENCH_LIVE_CLIENTS (200), BENCH_LIVE_ORDERS (200), BENCH_LIVE_RATE (10 orders/s).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { generateCatalog } from '../engine/world/index.js';
import { createWorld, initialState, referenceLevers, simulateDay } from '../engine/world/simulation.js';
import type { StreamEnvelope } from '../server/contracts/stream-events.js';
import { warmTwin } from '../server/twin/warm-twin.js';
import { printReport } from './support/report.js';
import { startSimulatedShop } from './support/simulated-shop.js';
import { subscribedClients } from './support/stream-clients.js';
import { percentile } from './support/stats.js';

const clientCount = Number(process.env.BENCH_LIVE_CLIENTS ?? 200);
const orders = Number(process.env.BENCH_LIVE_ORDERS ?? 200);
const ratePerSecond = Number(process.env.BENCH_LIVE_RATE ?? 10);
const warmUp = 20;
// lsn_main's own catalog, as `npm start` runs it: its orders come some minutes apart in shop
// time, so the hourly pricing reviews run beside the fraud checks at the live demo's pace.
const catalog = { products: 240, creators: 36 };

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the two processes. */
const clock = () => performance.timeOrigin + performance.now();

type ToClients = { kind: 'connect'; url: string; token: string; orgUnitId: string; clients: number } | { kind: 'report' };
/** Per key (`ingested:<eventId>` or `decided:<runId>`), each client's first receipt. */
type Arrivals = Record<string, number[]>;
type FromClients = { kind: 'connected'; clients: number } | { kind: 'arrivals'; arrivals: Arrivals };

// ---------------------------------------------------------------- client side

function runClients(): void {
  const send = (message: FromClients) => process.send?.(message);
  const arrivals: Arrivals = {};

  /** Each client's keys already seen: only a first receipt counts. */
  const seenBy = new Map<Socket, Set<string>>();
  function onEvent(socket: Socket, envelope: StreamEnvelope): void {
    const at = clock();
    const { payload } = envelope;
    let key: string | undefined;
    if (envelope.type === 'event.ingested') key = `ingested:${String(payload.id)}`;
    // The run's first update after its first step (scoring) is the decision reaching the console.
    else if (envelope.type === 'workflow.run.updated' && Number(payload.steps) >= 1) key = `decided:${String(payload.runId)}`;
    if (key === undefined) return;
    const seen = seenBy.get(socket) ?? new Set<string>();
    seenBy.set(socket, seen);
    if (seen.has(key)) return;
    seen.add(key);
    (arrivals[key] ??= []).push(at);
  }

  process.on('message', (message: ToClients) => {
    if (message.kind === 'report') {
      send({ kind: 'arrivals', arrivals });
      return;
    }
    void (async () => {
      const sockets = await subscribedClients({ url: message.url, token: message.token, orgUnitId: message.orgUnitId, count: message.clients }, onEvent);
      send({ kind: 'connected', clients: sockets.length });
    })().catch((error: unknown) => {
      process.stderr.write(`clients: ${String(error)}\n`);
      process.exit(1);
    });
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- server side

function nextMessage<K extends FromClients['kind']>(child: ChildProcess, kind: K, timeoutMs: number): Promise<Extract<FromClients, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`clients sent no ${kind} within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', function listener(message: FromClients) {
      if (message.kind !== kind) return;
      clearTimeout(timer);
      child.off('message', listener);
      resolve(message as Extract<FromClients, { kind: K }>);
    });
  });
}

/** The world's own orders, in the order it places them. */
function worldOrders(count: number) {
  const world = createWorld({ seed: 'bench-live', catalog: generateCatalog({ seed: 1, ...catalog }) });
  const events = [];
  for (let day = 0; events.length < count; day += 1) {
    const date = new Date(Date.UTC(2026, 9, 8 + day)).toISOString().slice(0, 10);
    const result = simulateDay(world, initialState(world, date), referenceLevers(world.catalog, world.seed, date));
    events.push(...result.events.filter((event) => event.type === 'order.placed'));
  }
  return events.slice(0, count);
}

async function runServer(): Promise<void> {
  const shop = await startSimulatedShop(catalog);
  // As `npm start` does beside the simulated shop.
  await warmTwin(shop.built.twin, shop.built.models, shop.orgUnitId);
  const url = await shop.built.app.listen({ host: '127.0.0.1', port: 0 });

  const child = fork(fileURLToPath(import.meta.url), ['--clients'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.send({ kind: 'connect', url, token: shop.tokens.viewer, orgUnitId: shop.orgUnitId, clients: clientCount } satisfies ToClients);
  const { clients } = await nextMessage(child, 'connected', 120_000);
  process.stderr.write(`live-decision-path: ${clients} clients subscribed (${shop.db.kind} database)\n`);

  const sent = new Map<string, number>();
  const posts: Promise<void>[] = [];
  async function post(event: ReturnType<typeof worldOrders>[number], index: number): Promise<void> {
    const startedAt = clock();
    const response = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop.tokens.founder}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...event, idempotencyKey: `live-bench-${index}` }),
    });
    if (response.status !== 201) throw new Error(`event refused: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { id: string; runs: { runId: string; workflowId: string }[] };
    const run = body.runs.find((r) => r.workflowId === 'wf_fraud_detection');
    if (!run) throw new Error(`order ${index} started no fraud-detection run: ${JSON.stringify(body.runs)}`);
    if (index < warmUp) return;
    sent.set(`ingested:${body.id}`, startedAt);
    sent.set(`decided:${run.runId}`, startedAt);
  }

  const events = worldOrders(orders + warmUp);
  await new Promise<void>((resolve) => {
    let index = 0;
    const timer = setInterval(() => {
      posts.push(post(events[index]!, index));
      index += 1;
      if (index === events.length) {
        clearInterval(timer);
        resolve();
      }
    }, 1000 / ratePerSecond);
  });
  await Promise.all(posts);
  // Let the last decisions reach every client before asking for what arrived.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  child.send({ kind: 'report' } satisfies ToClients);
  const { arrivals } = await nextMessage(child, 'arrivals', 60_000);

  const latencies = (prefix: string) => {
    const values: number[] = [];
    let missing = 0;
    for (const [key, startedAt] of sent) {
      if (!key.startsWith(prefix)) continue;
      const times = arrivals[key] ?? [];
      missing += clients - times.length;
      for (const at of times) values.push(at - startedAt);
    }
    return { values, missing };
  };
  const decided = latencies('decided:');
  const ingested = latencies('ingested:');
  const p99 = percentile(decided.values, 0.99);
  const baselineP99 = percentile(ingested.values, 0.99);
  printReport({
    name: 'live-decision-path',
    metric: 'p99_latency_ms',
    value: p99,
    unit: 'ms',
    baseline: 'the same POSTs streamed as event.ingested (no workflow)',
    baselineValue: baselineP99,
    ratio: p99 / baselineP99,
    target: 'p99 <= 200 ms end to end',
    p50: percentile(decided.values, 0.5),
    baselineP50: percentile(ingested.values, 0.5),
    clients,
    orders,
    ordersPerSecond: ratePerSecond,
    samples: decided.values.length,
    missing: decided.missing,
    database: shop.db.kind,
  });

  child.disconnect();
  await shop.close();
  process.exit(0);
}

if (process.argv.includes('--clients')) runClients();
else await runServer();
