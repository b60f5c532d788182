export type { Communicator, CommunicatorOptions, ReduceOp } from './api.js';
export { connect, DEFAULT_CHUNK_BYTES } from './connect.js';
export { CollectiveError, ProcessGroupEnvError } from './errors.js';
export { resolveProcessGroup, DEFAULT_TIMEOUT_MS, type ProcessGroupEnv, type Transport } from './process-group-env.js';
export { ipcDirFor } from './ipc-dir.js';
export { removeRunRegions, shmPrefixFor } from './shm-regions.js';
