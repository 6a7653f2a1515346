import type { KernelRequest, KernelResult, ModelFitter, ModelRunner } from '../../engine/twin/index.js';
import { createModelPool, type ModelPool, type ModelPoolOptions, type WorkerProbe } from '../../models/index.js';

/**
 * The model worker pool, started on first use: starting a worker loads TensorFlow.js and
 * compiles its WebAssembly (seconds), which a server that never simulates should not pay.
 */
export type LazyModelPool = ModelRunner &
  ModelFitter &
  Readonly<{
    started(): boolean;
    probe(): Promise<WorkerProbe>;
    warm(request: KernelRequest): Promise<void>;
    close(): Promise<void>;
  }>;

export function createLazyModelPool(options: ModelPoolOptions = {}): LazyModelPool {
  let pool: ModelPool | undefined;
  let closed = false;
  const get = (): ModelPool => {
    if (closed) throw new Error('the model pool is closed');
    pool ??= createModelPool(options);
    return pool;
  };
  return {
    run: async (request: KernelRequest): Promise<KernelResult> => get().run(request),
    backend: async () => get().backend(),
    fitDemand: async (input) => get().fitDemand(input),
    fitFraud: async (input) => get().fitFraud(input),
    probe: async () => get().probe(),
    warm: async (request) => get().warm(request),
    started: () => pool !== undefined,
    async close() {
      closed = true;
      await pool?.close();
    },
  };
}
