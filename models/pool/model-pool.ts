import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { DemandFit, KernelRequest, KernelResult, ModelFitter, ModelRunner } from '../../engine/twin/index.js';
import type { BackendName } from '../backend-names.js';
import { chunkRequest, chunksOf, mergeOutputs } from './chunks.js';
import { PoolClosedError, WorkerExitedError, rebuildWorkerError, workerReplySchema, type WorkerProbe, type WorkerReply, type WorkerRequest } from './protocol.js';
import type { WorkerOptions } from './worker.js';

export type ModelPoolOptions = Readonly<{
  /** Worker threads (default: one per core). */
  threads?: number;
  /** Backend to try first in each worker (default: tfjs-node, then wasm, then cpu). */
  backend?: BackendName;
  noiseCacheBytes?: number;
}>;

export type ModelPool = ModelRunner &
  ModelFitter &
  Readonly<{
    threads: number;
    /** One worker's backend and memory. */
    probe(): Promise<WorkerProbe>;
    /** The worker threads now running, for operations to watch (and tests to stop one). */
    workers(): readonly Worker[];
    /** Starts every worker and runs a small simulation on each, so the first real request is not the slow one. */
    warm(request: KernelRequest): Promise<void>;
    /** Rejects what is pending and stops the workers. */
    close(): Promise<void>;
  }>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

type Pending = { reject: (error: Error) => void; abort: AbortController };

/**
 * The model workers (piscina). Requests are split across them and merged back; heavy work
 * never runs on the caller's thread. When a worker dies, every request pending at that
 * moment is rejected with WorkerExitedError (not only the dead worker's), as a caller
 * cannot tell which of its parts ran where; the pool replaces the worker for what comes next.
 */
export function createModelPool(options: ModelPoolOptions = {}): ModelPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const workerData: WorkerOptions = { ...(options.backend ? { backend: options.backend } : {}), ...(options.noiseCacheBytes ? { noiseCacheBytes: options.noiseCacheBytes } : {}) };
  const piscina = new Piscina({
    filename: new URL('./worker-entry.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.MAX_SAFE_INTEGER,
    workerData,
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;

  function failAll(error: Error): void {
    for (const [id, entry] of pending) {
      pending.delete(id);
      entry.abort.abort();
      entry.reject(error);
    }
  }
  // A worker that dies with no task of its own still takes the pending ones down with it.
  piscina.on('error', (error: unknown) => failAll(new WorkerExitedError('a model worker failed', { cause: error })));

  function send(message: DistributiveOmit<WorkerRequest, 'id'>): Promise<WorkerReply> {
    if (closed) return Promise.reject(new PoolClosedError('the model pool is closed'));
    const id = nextId++;
    const abort = new AbortController();
    return new Promise<WorkerReply>((resolve, reject) => {
      pending.set(id, { reject, abort });
      piscina.run({ ...message, id }, { signal: abort.signal }).then(
        (raw: unknown) => {
          if (!pending.delete(id)) return;
          const reply = workerReplySchema.safeParse(raw);
          if (!reply.success || reply.data.id !== id) reject(new WorkerExitedError('a model worker answered with a malformed reply'));
          else resolve(reply.data);
        },
        (error: unknown) => {
          if (!pending.has(id)) return;
          failAll(closed ? new PoolClosedError('the model pool is closed', { cause: error }) : new WorkerExitedError('a model worker exited; every pending request is rejected', { cause: error }));
        },
      );
    });
  }

  async function runOne(request: KernelRequest): Promise<KernelResult> {
    const reply = await send({ kind: 'run', request });
    if (!reply.ok) throw rebuildWorkerError(reply.error);
    if (reply.result.kind !== 'run') throw new WorkerExitedError('a model worker answered a run with something else');
    return { outputs: reply.result.outputs, backend: reply.result.backend };
  }

  async function probe(): Promise<WorkerProbe> {
    const reply = await send({ kind: 'probe' });
    if (!reply.ok) throw rebuildWorkerError(reply.error);
    if (reply.result.kind !== 'probe') throw new WorkerExitedError('a model worker answered a probe with something else');
    return reply.result.probe;
  }

  let backendName: Promise<string> | undefined;

  async function fitDemand(input: Parameters<ModelFitter['fitDemand']>[0]): Promise<DemandFit> {
    const reply = await send({ kind: 'fit-demand', input });
    if (!reply.ok) throw rebuildWorkerError(reply.error);
    if (reply.result.kind !== 'fit-demand') throw new WorkerExitedError('a model worker answered a fit with something else');
    return reply.result.fit;
  }

  async function fitFraud(input: Parameters<ModelFitter['fitFraud']>[0]) {
    const reply = await send({ kind: 'fit-fraud', input });
    if (!reply.ok) throw rebuildWorkerError(reply.error);
    if (reply.result.kind !== 'fit-fraud') throw new WorkerExitedError('a model worker answered a fit with something else');
    return reply.result.fit;
  }

  return {
    threads,
    async run(request) {
      const chunks = chunksOf(request, threads);
      const parts = await Promise.all(chunks.map(async (chunk) => ({ chunk, result: await runOne(chunkRequest(request, chunk)) })));
      const outputs = mergeOutputs(request, parts.map(({ chunk, result }) => ({ chunk, outputs: result.outputs })));
      return { outputs, backend: parts[0]?.result.backend ?? (await this.backend()) };
    },
    backend() {
      backendName ??= probe().then((p) => p.backend);
      return backendName;
    },
    probe,
    fitDemand,
    fitFraud,
    workers: () => piscina.threads,
    async warm(request) {
      await Promise.all(Array.from({ length: threads }, () => runOne(request)));
    },
    async close() {
      if (closed) return;
      closed = true;
      failAll(new PoolClosedError('the model pool is closed'));
      await piscina.destroy();
    },
  };
}
