import { mkdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKey } from '@rwp/process-group';

/** Where a run keeps its ring's unix socket files: one private directory per run id and port. */
export function ipcDirFor(runId: string, masterPort: number): string {
  const name = runKey(runId, masterPort);
  const dir = join(tmpdir(), name);
  // A unix socket path is limited to 107 bytes.
  return dir.length > 80 ? join('/tmp', name) : dir;
}

export function ipcPathFor(dir: string, rank: number): string {
  return join(dir, `${rank}.sock`);
}

export function makeIpcDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Removes this rank's socket file, and the directory once the last rank of the host has left. */
export function removeIpcSocket(dir: string, path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
  try {
    rmdirSync(dir);
  } catch {
    // Other ranks' sockets are still there, or another rank removed it first.
  }
}
