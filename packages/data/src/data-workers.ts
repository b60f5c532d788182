import { availableParallelism } from 'node:os';

/**
 * Decode workers per rank when the config leaves it open: the host's cores shared among the ranks
 * on it (the process group's local world size), less one core per rank for its own thread, at
 * least one. 8 ranks on 16 cores get 1 each rather than 16.
 */
export function defaultDataWorkers(ranksOnHost: number, cores = availableParallelism()): number {
  const ranks = Math.max(1, ranksOnHost);
  return Math.max(1, Math.floor(cores / ranks) - 1);
}
