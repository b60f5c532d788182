// Who this worker is in its group and what its launcher tells it, read from the environment (the
// only package that reads the worker's variables, by the names in WORKER_ENV), the worker's side of
// the contract with rwp-launch, and the defaults both sides share; used by the launcher, the
// trainer, the backends, the collectives and the deployment checks.
export { rankForLogs, resolveProcessGroup } from './env/process-group-env.js';
export { WORKER_ENV, type WorkerEnvName } from './env/names.js';
export { commTimeoutFromEnv, cudaDevicesFromEnv, gpuFromEnv, hostAddrFromEnv, launchedByRwp, sharedMemoryAllowed, threadsFromEnv } from './env/worker-settings.js';
export { defaultRunDir } from './run-dir.js';
export { DEFAULT_MASTER_PORT, DEFAULT_TIMEOUT_MS, DEFAULT_TRANSPORT, TRANSPORTS, type ProcessGroupEnv, type Transport } from './process-group.js';
export { ProcessGroupEnvError } from './errors.js';
export { runIdHash, runKey } from './run-key.js';
export { freePort, listenThenClose } from './free-port.js';
export { dataPortsFromEnv, formatPortRange, parsePortRange, type PortRange } from './port-range.js';
export { jobTokenFromEnv, NONCE_BYTES, newJobToken, newNonce, PROOF_BYTES, proofMatches, proofOf, type ProofRole } from './job-token.js';
export { Incoming } from './incoming.js';
export { exitWithLauncher } from './exit-with-launcher.js';
export { isRunning, liveProcessGroups, processGroupOf } from './os-process-groups.js';
export { durationText, type ProgressRecord, type StepSplit } from './run-records.js';
