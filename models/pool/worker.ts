import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../backend.js';
import { fitDemand } from '../fit/demand-fit.js';
import { fitFraud } from '../fit/fraud-fit.js';
import { runMonteCarlo } from '../kernel/monte-carlo.js';
import { createNoiseCache } from '../noise/noise-cache.js';
import { workerRequestSchema, type WorkerReply } from './protocol.js';

/**
 * One model worker thread: its own TensorFlow.js backend and noise cache. It answers every
 * request with a reply, never a throw, so a rejected task on the pool's side always means
 * the thread itself died.
 */
export type WorkerOptions = Readonly<{ backend?: BackendName; noiseCacheBytes?: number }>;

const options: WorkerOptions = (workerData as WorkerOptions | null) ?? {};
const backend = selectBackend(options.backend);
const noise = createNoiseCache(options.noiseCacheBytes ?? 192 * 1024 * 1024);

/**
 * A full garbage collection before a probe measures the heap, so what it reports is what
 * the worker holds, not garbage not yet collected. V8 exposes `gc` to contexts created
 * after the flag is set; a worker thread cannot be started with the flag itself.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export default async function handle(message: unknown): Promise<WorkerReply> {
  const id = typeof message === 'object' && message !== null && typeof (message as { id?: unknown }).id === 'number' ? (message as { id: number }).id : 0;
  const parsed = workerRequestSchema.safeParse(message);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`);
    return { ok: false, id, error: { name: 'ProtocolError', message: `malformed request: ${where.join('; ')}` } };
  }
  try {
    const name = await backend;
    const request = parsed.data;
    if (request.kind === 'probe') {
      collectGarbage();
      const memory = tf.memory();
      return {
        ok: true,
        id,
        result: { kind: 'probe', probe: { backend: name, tensors: memory.numTensors, tensorBytes: memory.numBytes, heapUsedBytes: getHeapStatistics().used_heap_size, noiseCacheBytes: noise.bytes() } },
      };
    }
    if (request.kind === 'fit-demand') {
      const fit = fitDemand(request.input);
      return { ok: true, id, result: { kind: 'fit-demand', fit: { ...fit, logSeason: [...fit.logSeason] } } };
    }
    if (request.kind === 'fit-fraud') return { ok: true, id, result: { kind: 'fit-fraud', fit: fitFraud(request.input) } };
    const outputs = runMonteCarlo(request.request, noise.blockFor(request.request));
    return { ok: true, id, result: { kind: 'run', backend: name, outputs } };
  } catch (error) {
    return { ok: false, id, error: { name: 'ModelError', message: error instanceof Error ? error.message : String(error) } };
  }
}
