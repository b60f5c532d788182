// How much CPU a run got, and how much the rest of the host used meanwhile. On a shared host the
// ranks of a parallel run compete with other processes for the cores; these numbers say how much.
//   ours:   user + system CPU of the run's whole process tree (the shell's `times`, which counts
//           every descendant that was waited for: rwp-launch and its workers included);
//   host:   busy CPU of all cores from /proc/stat, so others = host - ours;
//   steal:  time the hypervisor gave our virtual CPUs to someone else.
import { availableParallelism, cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc/stat on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export interface HostCpu {
  /** CPU seconds all cores spent running something (user, nice, system, irq, softirq). */
  busy: number;
  /** CPU seconds taken by the hypervisor. */
  steal: number;
}

/** The aggregate "cpu" line of /proc/stat, in seconds. */
export function parseProcStat(text: string): HostCpu {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate "cpu" line');
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND, steal: (steal ?? 0) / TICKS_PER_SECOND };
}

export function readHostCpu(): HostCpu | null {
  return existsSync('/proc/stat') ? parseProcStat(readFileSync('/proc/stat', 'utf8')) : null;
}

/** The children's user and system seconds from the output of sh's `times` (its second line). */
export function parseTimes(text: string): number {
  const lines = text.trim().split('\n');
  const children = lines[lines.length - 1];
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)];
  if (lines.length < 2 || parts.length !== 2) throw new Error(`unexpected output of times: ${JSON.stringify(text)}`);
  return parts.reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
}

export interface CpuShare {
  /** CPU seconds of the run's processes. */
  cpu_seconds: number;
  /** Cores' worth of CPU the run's processes used, on average over its wall time. */
  cores_used: number;
  /** Cores' worth of CPU every other process on the host used meanwhile. */
  other_cores: number;
  /** Cores' worth of CPU the hypervisor took. */
  steal_cores: number;
}

export function cpuShare(before: HostCpu, after: HostCpu, ours: number, wallSeconds: number): CpuShare {
  const busy = after.busy - before.busy;
  return {
    cpu_seconds: ours,
    cores_used: ours / wallSeconds,
    other_cores: Math.max(0, busy - ours) / wallSeconds,
    steal_cores: (after.steal - before.steal) / wallSeconds,
  };
}

/** The machine in one line, as both benchmarks record it in results.json and report.md. */
export function hostDescription(): string {
  return `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`;
}
