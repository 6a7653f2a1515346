// Nothing here loads TensorFlow.js: only the pool's workers do (models/backend.ts).
export { backendNames, type BackendName } from './backend-names.js';
export { createModelPool, type ModelPool, type ModelPoolOptions } from './pool/model-pool.js';
export { ModelError, PoolClosedError, ProtocolError, WorkerExitedError, type WorkerProbe } from './pool/protocol.js';
