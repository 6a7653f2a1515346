/**
 * The live stream's fan-out: 1,000 socket.io clients on loopback in one org room. Our path
 * (persist with a sequence number, then broadcast) against a raw `io.to(room).emit` of the
 * same envelope, in the same run, to the same clients:
 *   1. latency at a steady 20 events/s (the send time travels in the payload);
 *   2. throughput: a burst of events as fast as they go, messages delivered per second.
 * Targets: p99 <= 50 ms at 20 events/s; throughput ratio (ours/raw) >= 0.7.
 *
 * The clients run in a child process (this same file, with `--clients`), so the server
 * and the clients each have a core of their own. Database: in-memory PGlite, or
 * DATABASE_URL. Env: BENCH_FANOUT_CLIENTS (1000), BENCH_FANOUT_SECONDS (5).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fastify from 'fastify';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { upsertOrgUnit } from '../db/queries/org-units.js';
import { createAuthenticator } from '../server/auth/authenticator.js';
import { createApiToken } from '../server/auth/token-service.js';
import type { StreamEnvelope } from '../server/contracts/stream-events.js';
import { createLiveStream } from '../server/live/live-stream.js';
import { orgRoom } from '../server/live/live-socket.js';
import { createTestDatabase } from '../test/support/database.js';
import { printReport } from './support/report.js';
import { subscribedClients } from './support/stream-clients.js';
import { percentile } from './support/stats.js';

const clientCount = Number(process.env.BENCH_FANOUT_CLIENTS ?? 1000);
const rateSeconds = Number(process.env.BENCH_FANOUT_SECONDS ?? 5);
const eventsPerSecond = 20;
const burstEvents = 150;
const burstRounds = 3;
const orgUnitId = 'lsn_bench';
const overallTimeoutMs = 180_000;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the two processes. */
const clock = () => performance.timeOrigin + performance.now();

type ToClients =
  | { kind: 'connect'; url: string; token: string; clients: number }
  | { kind: 'phase'; name: string; expected: number; keepLatencies: boolean }
  | { kind: 'end-phase' };

type PhaseReport = {
  kind: 'report';
  name: string;
  expected: number;
  received: number;
  /** Delivery latencies in ms, when the phase asked for them. */
  latencies: number[];
  lastAt: number;
  /** Our events that did not follow the previous one's number on some client (must be 0). */
  outOfOrder: number;
};

type FromClients = { kind: 'connected'; clients: number } | { kind: 'armed' } | PhaseReport;

// ---------------------------------------------------------------- client side

function runClients(): void {
  const send = (message: FromClients) => process.send?.(message);
  const sockets: Socket[] = [];
  let lastSeqs = new Map<Socket, number>();
  let phase: { name: string; expected: number; received: number; latencies: Float64Array | undefined; lastAt: number; outOfOrder: number } | undefined;

  function report(): void {
    if (!phase) return;
    const latencies = phase.latencies ? Array.from(phase.latencies.subarray(0, phase.received)) : [];
    const { name, expected, received, lastAt, outOfOrder } = phase;
    phase = undefined;
    send({ kind: 'report', name, expected, received, latencies, lastAt, outOfOrder });
  }

  function onEvent(socket: Socket, envelope: StreamEnvelope): void {
    const at = clock();
    if (!phase) return;
    if (phase.name.startsWith('ours')) {
      const last = lastSeqs.get(socket);
      if (last !== undefined && envelope.seq !== last + 1) phase.outOfOrder += 1;
      lastSeqs.set(socket, envelope.seq);
    }
    if (phase.latencies) phase.latencies[phase.received] = at - Number(envelope.payload.sentAt);
    phase.received += 1;
    phase.lastAt = at;
    if (phase.received === phase.expected) report();
  }

  process.on('message', (message: ToClients) => {
    if (message.kind === 'connect') {
      void (async () => {
        sockets.push(...(await subscribedClients({ url: message.url, token: message.token, orgUnitId, count: message.clients }, onEvent)));
        send({ kind: 'connected', clients: sockets.length });
      })().catch((error: unknown) => {
        process.stderr.write(`clients: ${String(error)}\n`);
        process.exit(1);
      });
    } else if (message.kind === 'phase') {
      lastSeqs = new Map();
      phase = {
        name: message.name,
        expected: message.expected,
        received: 0,
        latencies: message.keepLatencies ? new Float64Array(message.expected) : undefined,
        lastAt: 0,
        outOfOrder: 0,
      };
      send({ kind: 'armed' });
    } else {
      report();
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- server side

function nextMessage<K extends FromClients['kind']>(child: ChildProcess, kind: K, timeoutMs: number): Promise<Extract<FromClients, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', listener);
      reject(new Error(`clients sent no ${kind} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (message: FromClients) => {
      if (message.kind !== kind) return;
      clearTimeout(timer);
      child.off('message', listener);
      resolve(message as Extract<FromClients, { kind: K }>);
    };
    child.on('message', listener);
  });
}

async function runServer(): Promise<void> {
  const guard = setTimeout(() => {
    process.stderr.write(`live-fanout: gave up after ${overallTimeoutMs} ms\n`);
    process.exit(1);
  }, overallTimeoutMs);
  guard.unref();

  const db = await createTestDatabase();
  await upsertOrgUnit(db.pool, { id: orgUnitId, name: 'Fan-out bench' });
  const { token } = await createApiToken(db.pool, { orgUnitId, name: 'bench-viewer', role: 'viewer', now: Date.now() });
  const app = fastify();
  const live = createLiveStream({ httpServer: app.server, pool: db.pool, authenticator: createAuthenticator(db.pool), logger: pino({ level: 'silent' }) });
  app.addHook('preClose', async () => live.close());
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const child = fork(fileURLToPath(import.meta.url), ['--clients'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const send = (message: ToClients) => child.send(message);
  send({ kind: 'connect', url, token, clients: clientCount });
  const { clients } = await nextMessage(child, 'connected', 120_000);
  process.stderr.write(`live-fanout: ${clients} clients subscribed (${db.kind} database)\n`);

  let rawSeq = 0;
  /** What our path sends, without the database: the baseline. */
  const emitRaw = (payload: Record<string, unknown>) => {
    rawSeq += 1;
    const envelope: StreamEnvelope = { orgUnitId, seq: rawSeq, type: 'metrics.snapshot', payload, at: new Date().toISOString() };
    live.io.to(orgRoom(orgUnitId)).emit('stream.event', envelope);
  };
  const publishOurs = (payload: Record<string, unknown>) => live.publish(orgUnitId, 'metrics.snapshot', payload);

  async function phase(name: string, events: number, keepLatencies: boolean, drive: () => Promise<void>, waitMs: number): Promise<PhaseReport & { startedAt: number }> {
    send({ kind: 'phase', name, expected: events * clients, keepLatencies });
    await nextMessage(child, 'armed', 10_000);
    const startedAt = clock();
    const reported = nextMessage(child, 'report', waitMs).catch(() => {
      send({ kind: 'end-phase' });
      return nextMessage(child, 'report', 10_000);
    });
    await drive();
    return { ...(await reported), startedAt };
  }

  /** `count` events, one every 1000/rate ms, each stamped with its send time. */
  function atRate(name: string, count: number, sendOne: (payload: Record<string, unknown>) => unknown) {
    return () =>
      new Promise<void>((resolve, reject) => {
        const pending: Promise<unknown>[] = [];
        let sent = 0;
        const timer = setInterval(() => {
          pending.push(Promise.resolve(sendOne({ phase: name, i: sent, sentAt: clock() })));
          sent += 1;
          if (sent === count) {
            clearInterval(timer);
            Promise.all(pending).then(() => resolve(), reject);
          }
        }, 1000 / eventsPerSecond);
      });
  }

  function burst(name: string, sendOne: (payload: Record<string, unknown>) => unknown) {
    return async () => {
      await Promise.all(Array.from({ length: burstEvents }, (_, i) => sendOne({ phase: name, i, sentAt: clock() })));
    };
  }

  const roundWait = 20_000;
  // Warm-up: JIT, caches and buffers on both paths.
  await phase('ours-warmup', eventsPerSecond, false, atRate('ours-warmup', eventsPerSecond, publishOurs), roundWait);
  await phase('raw-warmup', eventsPerSecond, false, atRate('raw-warmup', eventsPerSecond, emitRaw), roundWait);

  // One-second rounds, alternating: noise from the rest of the machine hits both paths alike.
  const oursLatencies: number[] = [];
  const rawLatencies: number[] = [];
  let lost = 0;
  let outOfOrder = 0;
  for (let round = 0; round < rateSeconds; round += 1) {
    const ours = await phase(`ours-rate-${round}`, eventsPerSecond, true, atRate(`ours-rate-${round}`, eventsPerSecond, publishOurs), roundWait);
    const raw = await phase(`raw-rate-${round}`, eventsPerSecond, true, atRate(`raw-rate-${round}`, eventsPerSecond, emitRaw), roundWait);
    oursLatencies.push(...ours.latencies);
    rawLatencies.push(...raw.latencies);
    lost += ours.expected - ours.received;
    outOfOrder += ours.outOfOrder;
  }

  // Bursts as fast as they go, alternating rounds, best of each.
  const throughput = (report: PhaseReport & { startedAt: number }) => (report.received / (report.lastAt - report.startedAt)) * 1000;
  const oursBursts: number[] = [];
  const rawBursts: number[] = [];
  for (let round = 0; round < burstRounds; round += 1) {
    const raw = await phase(`raw-burst-${round}`, burstEvents, false, burst(`raw-burst-${round}`, emitRaw), 60_000);
    const ours = await phase(`ours-burst-${round}`, burstEvents, false, burst(`ours-burst-${round}`, publishOurs), 60_000);
    rawBursts.push(throughput(raw));
    oursBursts.push(throughput(ours));
    lost += ours.expected - ours.received;
    outOfOrder += ours.outOfOrder;
  }
  const oursThroughput = Math.max(...oursBursts);
  const rawThroughput = Math.max(...rawBursts);
  const p99 = percentile(oursLatencies, 0.99);
  const baselineP99 = percentile(rawLatencies, 0.99);

  printReport({
    name: 'live-fanout',
    metric: 'p99_latency_ms',
    value: p99,
    unit: 'ms',
    baseline: 'raw io.to(room).emit',
    baselineValue: baselineP99,
    ratio: p99 / baselineP99,
    target: 'p99 <= 50 ms at 20 events/s; throughputRatio >= 0.7',
    p50: round3(percentile(oursLatencies, 0.5)),
    baselineP50: round3(percentile(rawLatencies, 0.5)),
    throughput: Math.round(oursThroughput),
    baselineThroughput: Math.round(rawThroughput),
    throughputUnit: 'messages/s',
    throughputRatio: round3(oursThroughput / rawThroughput),
    clients,
    eventsPerSecond,
    rateSeconds,
    burstEvents,
    lost,
    outOfOrder,
    database: db.kind,
  });

  child.disconnect();
  await app.close();
  await db.close();
  // The in-memory PGlite's socket server (test/support) has no stop of its own.
  process.exit(0);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (process.argv.includes('--clients')) runClients();
else await runServer();
