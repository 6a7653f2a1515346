export { backendNames, selectBackend, type BackendName } from './backend.js';
export { createModelPool, type ModelPool, type ModelPoolOptions } from './pool/model-pool.js';
export { ModelError, PoolClosedError, ProtocolError, WorkerExitedError, type WorkerProbe } from './pool/protocol.js';
