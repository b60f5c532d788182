// Operating-system process groups (setpgid), which rwp-launch starts each worker in so that it can
// signal a worker and whatever it started together; not to be confused with the group of ranks.
import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc is read directly: a killed process whose parent is gone stays a zombie until init
// reaps it (lazily in some containers), and a zombie must not count as a live process.

interface ProcStat {
  state: string;
  pgrp: number;
  /** Clock ticks from boot to the process's start: with the pid, names one process for good. */
  starttime: number;
}

function readStat(pid: number | 'self'): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp ...
    // (proc(5): starttime is field 22, the 20th after the name).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgrp: Number(fields[2]), starttime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** The process group of `pid`; undefined where it cannot be read. */
export function processGroupOf(pid: number | 'self'): number | undefined {
  return readStat(pid)?.pgrp;
}

/** When `pid` started, in clock ticks from boot; undefined where it cannot be read. */
export function processStartTime(pid: number): number | undefined {
  return readStat(pid)?.starttime;
}

/** Whether `pid` runs (not a zombie); without /proc, whether it exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readStat(pid);
  return stat === undefined ? true : stat.state !== 'Z';
}

/** pid and process group of every running process; undefined without /proc. */
function runningProcesses(): { pid: number; pgrp: number }[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const out: { pid: number; pgrp: number }[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const stat = readStat(Number(e));
    if (stat !== undefined && stat.state !== 'Z') out.push({ pid: Number(e), pgrp: stat.pgrp });
  }
  return out;
}

/** Process groups with at least one running member; undefined without /proc. */
export function liveProcessGroups(): Set<number> | undefined {
  const procs = runningProcesses();
  return procs && new Set(procs.map((p) => p.pgrp));
}

/** Other running processes in the group this process leads (its children and theirs). */
export function ownGroupMembers(): number[] {
  if (processGroupOf('self') !== process.pid) return [];
  return (runningProcesses() ?? []).filter((p) => p.pgrp === process.pid && p.pid !== process.pid).map((p) => p.pid);
}
