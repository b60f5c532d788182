import { ProcessGroupEnvError } from '../errors.js';
import { readString } from './env-values.js';
import { WORKER_ENV } from './names.js';

/** MASTER_ADDR, required when there is more than one process. */
export function masterAddrFor(env: NodeJS.ProcessEnv, worldSize: number, source: string, fallback?: string): string {
  const addr = readString(env, WORKER_ENV.masterAddr) ?? fallback;
  if (addr !== undefined) return addr;
  if (worldSize === 1) return '127.0.0.1';
  throw new ProcessGroupEnvError(WORKER_ENV.masterAddr, `is not set but the ${source} environment gives WORLD_SIZE=${worldSize}; rank 0's host must be known`);
}
