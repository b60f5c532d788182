// One job at a time trains in a run directory. Its holder (rwp-launch, or rwp-train when no
// launcher started it) keeps RUN_DIR/rwp.lock, which names it: host, pid, start time. Workers that
// rwp-launch started (RWP_LAUNCHED=1) are covered by their launcher's lock and take none. A lock
// whose process has gone (same host, pid not running, or running but started at another time:
// a reused pid) is stale and taken over; one from another host cannot be checked and is obeyed.
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isRunning, processStartTime } from './os-process-groups.js';

export const RUN_DIR_LOCK = 'rwp.lock';

export interface LockHolder {
  program: string;
  host: string;
  pid: number;
  /** ISO time the lock was taken. */
  started: string;
  /** The kernel's start time of the process (clock ticks from boot), which tells a reused pid from the holder. */
  pid_start: number | null;
}

/** The run directory's lock cannot be taken: another live process holds it (named), or it cannot be written. */
export class RunDirLockError extends Error {
  override name = 'RunDirLockError';
}

export interface RunDirLock {
  readonly path: string;
  /** The stale lock this one replaced, if any (for a log line). */
  readonly replaced: LockHolder | null;
  /** Removes the lock file if it is still this process's. Also done at exit. */
  release(): void;
}

const sameHolder = (a: LockHolder, b: LockHolder): boolean => a.host === b.host && a.pid === b.pid && a.started === b.started;

/** The holder in `path`; 'gone' when there is no file, 'unreadable' when it holds no lock. */
function readHolder(path: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  if (!isRunning(h.pid)) return true;
  return h.pid_start !== null && processStartTime(h.pid) !== undefined && processStartTime(h.pid) !== h.pid_start;
}

function describeHolder(h: LockHolder, path: string, runDir: string): string {
  const elsewhere = h.host !== hostname();
  return (
    `run directory ${runDir} is in use by ${h.program} (pid ${h.pid} on host ${h.host}, since ${h.started}; lock file ${path})` +
    (elsewhere ? ': if that run has ended, remove the lock file' : '')
  );
}

/**
 * Creates `path` with the content of `mine` unless it exists; false if it does. A hard link makes
 * it whole at once; on a file system without hard links, an exclusive create then a write.
 */
function createWhole(mine: string, path: string, me: LockHolder): boolean {
  try {
    linkSync(mine, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
  }
  try {
    writeFileSync(path, JSON.stringify(me) + '\n', { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** The log line saying that a stale lock was taken over; null when none was. */
export function takeOverNote(lock: RunDirLock): string | null {
  const h = lock.replaced;
  return h === null ? null : `took over the stale lock ${lock.path} of ${h.program} (pid ${h.pid} on host ${h.host}, since ${h.started}): that process has gone`;
}

/**
 * Takes RUN_DIR/rwp.lock for this process (creating RUN_DIR), or throws RunDirLockError naming
 * the live holder (or why the lock cannot be written). The file is created whole or not at all:
 * written under a private name, then hard-linked to the lock's name, which fails if a lock is there.
 */
export function lockRunDir(runDir: string, program: string): RunDirLock {
  const path = join(runDir, RUN_DIR_LOCK);
  const me: LockHolder = { program, host: hostname(), pid: process.pid, started: new Date().toISOString(), pid_start: processStartTime(process.pid) ?? null };
  const mine = `${path}.${process.pid}`;
  let replaced: LockHolder | null = null;
  try {
    mkdirSync(runDir, { recursive: true });
    writeFileSync(mine, JSON.stringify(me) + '\n');
  } catch (e) {
    throw new RunDirLockError(`cannot write the lock file of run directory ${runDir}: ${(e as Error).message}`);
  }
  try {
    for (let tries = 0; ; tries++) {
      if (createWhole(mine, path, me)) break;
      const holder = readHolder(path);
      if (holder === 'gone') continue;
      if (holder === 'unreadable') throw new RunDirLockError(`run directory ${runDir} holds a lock file that is not rwp's (${path}): remove it if no run uses the directory`);
      if (!isStale(holder) || tries >= 3) throw new RunDirLockError(describeHolder(holder, path, runDir));
      // Stale: moved aside atomically, then checked, since another process may have replaced it meanwhile.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const moved = readHolder(aside);
      if (moved === 'gone') continue;
      if (typeof moved === 'object' && !sameHolder(moved, holder)) {
        // A live lock taken meanwhile: put it back (unless yet another one is there) and give way to it.
        try {
          linkSync(aside, path);
        } catch {
          // Whoever is there now holds the directory.
        }
        unlinkSync(aside);
        throw new RunDirLockError(describeHolder(moved, path, runDir));
      }
      unlinkSync(aside);
      replaced = holder;
    }
  } finally {
    unlinkSync(mine);
  }
  const release = (): void => {
    process.off('exit', release);
    const h = readHolder(path);
    if (typeof h === 'object' && sameHolder(h, me)) unlinkSync(path);
  };
  process.on('exit', release);
  return { path, replaced, release };
}
