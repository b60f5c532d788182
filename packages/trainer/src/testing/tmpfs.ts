// A small tmpfs of the test's own, to fill up or make read-only: real ENOSPC and EROFS errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why a tmpfs cannot be mounted here (not root), or null when it can. */
export function tmpfsUnavailable(): string | null {
  return process.getuid?.() === 0 ? null : 'mounting a tmpfs needs root';
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

export interface Tmpfs {
  dir: string;
  /** Writes a file of zeros that leaves about `bytes` free. */
  fillLeaving(bytes: number): string;
  readOnly(): void;
  unmount(): void;
}

export function mountTmpfs(sizeBytes: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-tmpfs-'));
  sh('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  return {
    dir,
    fillLeaving(bytes: number): string {
      const filler = join(dir, 'filler');
      const s = statfsSync(dir);
      writeFileSync(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - bytes)));
      return filler;
    },
    readOnly(): void {
      sh('mount', ['-o', 'remount,ro', dir]);
    },
    unmount(): void {
      sh('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
