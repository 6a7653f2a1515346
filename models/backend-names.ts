/** The TensorFlow.js backends a worker may run on, in the order it tries them. Kept apart from backend.ts so naming one does not load TensorFlow.js. */
export const backendNames = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
