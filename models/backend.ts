import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backendNames, type BackendName } from './backend-names.js';

/**
 * Picks the fastest TensorFlow.js backend this installation has: tfjs-node (native
 * TensorFlow, an optional dependency) when it loads, else WebAssembly (SIMD), else the
 * plain JavaScript cpu backend. Each worker thread picks its own.
 */

const require = createRequire(import.meta.url);

async function tryTensorflow(): Promise<boolean> {
  try {
    // A string the type checker does not follow: the package is optional and usually absent.
    const optional = '@tensorflow/tfjs-node';
    await import(optional);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    const binary = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
    setWasmPaths(`${path.dirname(binary)}${path.sep}`);
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/** Selects and initialises a backend (the preferred one first, when given) and names it. */
export async function selectBackend(preferred?: BackendName): Promise<BackendName> {
  // Production mode skips tfjs's per-op debug checks (and its console hints).
  tf.enableProdMode();
  const attempts: Record<BackendName, () => Promise<boolean>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: () => tf.setBackend('cpu') };
  const order = preferred ? [preferred, ...backendNames.filter((name) => name !== preferred)] : backendNames;
  for (const name of order) {
    if (await attempts[name]()) {
      await tf.ready();
      return name;
    }
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

export { backendNames, type BackendName };
