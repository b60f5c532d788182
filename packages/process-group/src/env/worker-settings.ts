import { readInt, readString } from './env-values.js';
import { WORKER_ENV } from './names.js';

type Env = NodeJS.ProcessEnv;

/** Whether rwp-launch started this process (RWP_LAUNCHED=1): logs are JSON lines, stdin is the launcher's pipe. */
export function launchedByRwp(env: Env = process.env): boolean {
  return env[WORKER_ENV.launched] === '1';
}

/** Compute threads the launcher gives this worker (RWP_THREADS), or undefined when unset. */
export function threadsFromEnv(env: Env = process.env): number | undefined {
  return readInt(env, WORKER_ENV.threads, 1);
}

/** The collectives' deadline set by --comm-timeout (RWP_COMM_TIMEOUT_MS), or undefined when unset. */
export function commTimeoutFromEnv(env: Env = process.env): number | undefined {
  return readInt(env, WORKER_ENV.commTimeoutMs, 1);
}

/** Shared memory between the ranks of a host, unless RWP_SHM=0 turns it off. */
export function sharedMemoryAllowed(env: Env = process.env): boolean {
  return env[WORKER_ENV.sharedMemory] !== '0';
}

/** The address the other hosts reach this one at (RWP_HOST_ADDR), or undefined to find it. */
export function hostAddrFromEnv(env: Env = process.env): string | undefined {
  return readString(env, WORKER_ENV.hostAddr);
}

/** CUDA_VISIBLE_DEVICES as given: undefined when unset, "" (or "-1") when every GPU is hidden. */
export function cudaDevicesFromEnv(env: Env = process.env): string | undefined {
  return env[WORKER_ENV.cudaDevices];
}

/** The GPU the launcher gave this worker for WebGPU (RWP_GPU), or undefined for the default. */
export function gpuFromEnv(env: Env = process.env): string | undefined {
  return readString(env, WORKER_ENV.gpu);
}
