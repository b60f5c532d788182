import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runKey } from '@rwp/process-group';

const SHM_DIR = '/dev/shm';

/** Names of a run's shared-memory regions start with this (one run id and master port). */
export function shmPrefixFor(runId: string, masterPort: number): string {
  return runKey(runId, masterPort);
}

/**
 * Removes every shared-memory region of a run that is still there: those of ranks that were
 * killed before they could remove their own (Linux keeps POSIX shared memory in /dev/shm).
 * Returns how many it removed.
 */
export function removeRunRegions(runId: string, masterPort: number): number {
  const prefix = `${shmPrefixFor(runId, masterPort)}-`;
  let removed = 0;
  try {
    for (const f of readdirSync(SHM_DIR)) {
      if (!f.startsWith(prefix)) continue;
      rmSync(join(SHM_DIR, f), { force: true });
      removed++;
    }
  } catch {
    // No /dev/shm: nothing can have been left there.
  }
  return removed;
}
