// Who this worker is in its group, read from the environment, and the worker's side of the
// contract with rwp-launch; shared by the launcher, the collectives and the deployment checks.
export { resolveProcessGroup } from './env/process-group-env.js';
export { DEFAULT_MASTER_PORT, DEFAULT_TIMEOUT_MS, type ProcessGroupEnv, type Transport } from './process-group.js';
export { ProcessGroupEnvError } from './errors.js';
export { runIdHash, runKey } from './run-key.js';
export { freePort, listenThenClose } from './free-port.js';
export { dataPortsFromEnv, formatPortRange, parsePortRange, type PortRange } from './port-range.js';
export { jobTokenFromEnv, NONCE_BYTES, newJobToken, newNonce, PROOF_BYTES, proofMatches, proofOf, type ProofRole } from './job-token.js';
export { Incoming } from './incoming.js';
export { exitWithLauncher } from './exit-with-launcher.js';
export { isRunning, liveProcessGroups, processGroupOf, processStartTime } from './os-process-groups.js';
export { lockRunDir, RUN_DIR_LOCK, RunDirLockError, takeOverNote, type LockHolder, type RunDirLock } from './run-dir-lock.js';
export { durationText, type ProgressRecord, type StepSplit } from './run-records.js';
