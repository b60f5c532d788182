import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { liveProcessGroups } from '@rwp/process-group';
import type { Logger } from 'pino';
import type { CombinedOutput } from '../output/api.js';
import { WorkerProcess, type WorkerExit } from './worker-process.js';
import type { WorkerSpec } from './worker-spec.js';

/** The first worker whose end brought the group down. */
export interface WorkerFailure {
  rank: number;
  pid: number | undefined;
  exit: WorkerExit;
  /** Its last lines, read after its output was drained. */
  tail: string[];
  logFile: string;
}

export interface GroupContext {
  logDir: string;
  output: CombinedOutput;
  logger: Logger;
  graceMs: number;
  /** Hears of the first worker to fail, as the group starts stopping the others. */
  onFailure?: (failure: WorkerFailure) => void;
}

/** How long to wait for output pipes that an escaped process may hold open. */
const DRAIN_WAIT_MS = 2000;
const POLL_MS = 100;

export function describeExit(exit: WorkerExit): string {
  if (exit.startError !== undefined) return `could not be started: ${exit.startError}`;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/**
 * One start of the node's workers. The first worker to fail (non-zero exit, a signal, or no start
 * at all) brings the rest down: SIGTERM to every process group, SIGKILL after the grace period,
 * so a dead rank never leaves the others hanging in a collective.
 */
export class WorkerGroup {
  private readonly workers: WorkerProcess[];
  private stopping = false;
  private killTimer: NodeJS.Timeout | undefined;
  private failure: WorkerFailure | undefined;

  constructor(
    specs: readonly WorkerSpec[],
    private readonly ctx: GroupContext,
  ) {
    this.workers = specs.map(
      (spec) =>
        new WorkerProcess(spec, join(ctx.logDir, `rank-${spec.rank}.log`), ctx.output, (e) =>
          ctx.logger.warn(`cannot write the log of rank ${spec.rank}: ${e.message}; its lines still reach the combined output`),
        ),
    );
    for (const w of this.workers) void w.exited.then((exit) => this.onExit(w, exit));
    ctx.logger.info(
      { pids: Object.fromEntries(this.workers.map((w) => [w.spec.rank, w.pid ?? null])) },
      `started ranks ${this.workers.map((w) => `${w.spec.rank} (pid ${w.pid ?? 'none'})`).join(', ')}`,
    );
  }

  /** Forwards `signal` to every worker's process group; SIGKILL follows after the grace period. */
  stop(signal: NodeJS.Signals): void {
    if (this.stopping) return;
    this.stopping = true;
    this.signalAll(signal);
    this.killTimer = setTimeout(() => {
      const left = this.liveWorkers();
      if (left.length === 0) return;
      this.ctx.logger.warn(
        `rank(s) ${left.map((w) => w.spec.rank).join(', ')} still running ${this.ctx.graceMs / 1000} s after ${signal}; sending SIGKILL`,
      );
      this.signalAll('SIGKILL');
    }, this.ctx.graceMs);
  }

  /** SIGKILL every process group now. */
  kill(): void {
    this.stopping = true;
    this.signalAll('SIGKILL');
  }

  /** Resolves once every worker and everything it started has ended. */
  async wait(): Promise<WorkerFailure | undefined> {
    await Promise.all(this.workers.map((w) => w.exited));
    if (this.liveWorkers().length > 0) {
      // A worker's children may outlive it in its process group: none may outlive the launcher.
      if (!this.stopping) {
        this.ctx.logger.warn('processes started by the workers still run after the workers ended; stopping them');
        this.stop('SIGTERM');
      }
      const deadline = Date.now() + this.ctx.graceMs + DRAIN_WAIT_MS;
      while (this.liveWorkers().length > 0 && Date.now() < deadline) await sleep(POLL_MS);
      for (const w of this.liveWorkers()) {
        this.ctx.logger.warn(`process group ${w.pid} of rank ${w.spec.rank} still has processes after SIGKILL (stuck in the kernel?)`);
      }
    }
    clearTimeout(this.killTimer);
    const drained = Promise.all(this.workers.map((w) => w.drained));
    const patience = new AbortController();
    const outOfPatience = sleep(DRAIN_WAIT_MS, undefined, { signal: patience.signal }).catch(() => undefined);
    await Promise.race([drained, outOfPatience]);
    patience.abort();
    // Pipes still open now are held by a process that left the group (setsid); stop reading them.
    for (const w of this.workers) w.abandonOutput();
    await drained;
    if (this.failure) {
      const w = this.workers.find((x) => x.spec.rank === this.failure?.rank);
      this.failure.tail = w?.tail() ?? [];
    }
    return this.failure;
  }

  private onExit(w: WorkerProcess, exit: WorkerExit): void {
    // A worker that finishes before the others is fine: they are waited for.
    if (exit.code === 0) return;
    if (this.stopping) {
      this.ctx.logger.info(`rank ${w.spec.rank} ${describeExit(exit)}`);
      return;
    }
    this.failure = { rank: w.spec.rank, pid: w.pid, exit, tail: [], logFile: w.logFile };
    const others = this.workers.filter((x) => x !== w).length;
    this.ctx.logger.error(
      { failedRank: w.spec.rank, exitCode: exit.code, signal: exit.signal },
      `rank ${w.spec.rank} (pid ${w.pid ?? 'none'}) ${describeExit(exit)}; stopping the other ${others} worker(s)`,
    );
    this.stop('SIGTERM');
    this.ctx.onFailure?.(this.failure);
  }

  /** Workers whose process group still has a running (not zombie) process. */
  private liveWorkers(): WorkerProcess[] {
    const existing = this.workers.filter((w) => w.groupExists());
    if (existing.length === 0) return existing;
    const live = liveProcessGroups();
    return live === undefined ? existing : existing.filter((w) => w.pid !== undefined && live.has(w.pid));
  }

  private signalAll(signal: NodeJS.Signals): void {
    for (const w of this.workers) w.signalGroup(signal);
  }
}
