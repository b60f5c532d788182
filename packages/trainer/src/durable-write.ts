// Files of a run written so that a failure never leaves half a file under its name: the bytes go
// to a temporary file beside it, are fsynced, renamed over the old one, and the directory is
// fsynced (without that the rename itself can be lost on power failure). A write that fails
// removes its temporary file and says, in one line, which file and why; for a full disk, how
// many bytes it needed and how many were free.
import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRunning } from '@rwp/process-group';

/** A file of the run could not be written: a full or failing disk, a quota, a read-only mount. */
export class DiskWriteError extends Error {
  override name = 'DiskWriteError';
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device (ENOSPC)',
  EDQUOT: 'disk quota exceeded (EDQUOT)',
  EROFS: 'read-only file system (EROFS)',
  EIO: 'input/output error (EIO)',
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]} (${n} bytes)`;
}

/** Bytes an unprivileged process may still write on the file system holding `dir`; null if unknown. */
function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/**
 * The one-line error for a failed write of `path` (`what` names the file's role: "checkpoint",
 * "metrics"). Errors that are not the file system's (no errno code) are bugs and pass unchanged.
 */
export function writeFailure(e: unknown, what: string, path: string, bytes: number): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return e;
  let why = REASONS[code] ?? (e as Error).message;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const free = freeBytes(dirname(path));
    why += `: ${formatBytes(bytes)} needed` + (free === null ? '' : `, ${formatBytes(free)} free`);
  }
  return new DiskWriteError(`cannot write the ${what} ${path}: ${why}`);
}

/** Makes a rename or an unlink in `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

const TEMP_NAME = /\.tmp-(\d+)$/;

/**
 * Removes the temporary files in `dir` whose writer is dead: a process killed mid-write (SIGKILL,
 * the OOM killer, a node lost) leaves one behind, as large as a checkpoint, and restarts would
 * pile them up. Only the holder of the run directory calls it, so no live writer loses its file.
 */
export function sweepDeadWritersTemps(dir: string): { files: string[]; bytes: number } {
  const swept = { files: [] as string[], bytes: 0 };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return swept;
  }
  for (const name of names) {
    const pid = Number(TEMP_NAME.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    const path = join(dir, name);
    try {
      const { size } = lstatSync(path);
      unlinkSync(path);
      swept.files.push(path);
      swept.bytes += size;
    } catch {
      // Removed meanwhile, or not ours to remove: left as it is.
    }
  }
  return swept;
}

/**
 * Writes `chunks` to the temporary name of `path` and fsyncs it; returns that name. On failure the
 * temporary file is removed and the error is a DiskWriteError naming `path`.
 */
export function writeTempFile(path: string, chunks: readonly Uint8Array[], what: string): string {
  const tmp = tempPathFor(path);
  const bytes = chunks.reduce((s, c) => s + c.byteLength, 0);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    for (const c of chunks) {
      // write(2) may write less than asked (a disk filling up): go on from where it stopped.
      for (let off = 0; off < c.byteLength; ) off += writeSync(fd, c, off, c.byteLength - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    return tmp;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    removeIfThere(tmp);
    throw writeFailure(e, what, path, bytes);
  }
}

/** `chunks` as the whole content of `path`, atomically and durably. */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[], what: string): void {
  const tmp = writeTempFile(path, chunks, what);
  try {
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (e) {
    removeIfThere(tmp);
    throw writeFailure(e, what, path, 0);
  }
}

export function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already, or never made.
  }
}
