export type { Communicator, CommunicatorOptions, ReduceOp } from './base/api.js';
export { connect, DEFAULT_CHUNK_BYTES } from './connect.js';
export { CollectiveError } from './base/errors.js';
export { BACKEND_NAMES as COLLECTIVE_BACKENDS, DEFAULT_BACKEND as DEFAULT_COLLECTIVE_BACKEND, type BackendName as CollectiveBackendName } from './group/backends.js';
// connect takes what resolveProcessGroup gives: a worker needs only this package.
export { resolveProcessGroup, ProcessGroupEnvError, type ProcessGroupEnv, type Transport } from '@rwp/process-group';
