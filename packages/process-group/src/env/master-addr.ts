import { ProcessGroupEnvError } from '../errors.js';
import { readString } from './env-values.js';

/** MASTER_ADDR, required when there is more than one process. */
export function masterAddrFor(env: NodeJS.ProcessEnv, worldSize: number, source: string, fallback?: string): string {
  const addr = readString(env, 'MASTER_ADDR') ?? fallback;
  if (addr !== undefined) return addr;
  if (worldSize === 1) return '127.0.0.1';
  throw new ProcessGroupEnvError('MASTER_ADDR', `is not set but the ${source} environment gives WORLD_SIZE=${worldSize}; rank 0's host must be known`);
}
