import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CombinedOutput } from '../output/api.js';
import { LineSplitter } from './lines.js';
import type { StreamName } from '../output/tag-line.js';
import type { WorkerSpec } from './worker-spec.js';

/** How a worker ended: an exit code, a signal, or a failure to start at all. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  startError?: string;
}

const TAIL_LINES = 20;

/**
 * One running worker. It is spawned detached, so it leads its own process group and the launcher
 * can signal everything it started (`kill -pgid`), and a terminal's Ctrl-C reaches only the
 * launcher, which forwards it. Its stdin is a pipe the launcher never closes: when the launcher
 * dies, the pipe closes and `exitWithLauncher` in the worker ends it.
 */
export class WorkerProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<WorkerExit>;
  /** Both output pipes have closed and every line has been handled. */
  readonly drained: Promise<void>;
  private readonly recent: string[] = [];
  private readonly streams: Readable[];
  private readonly splitters: LineSplitter[];
  private logFd = -1;

  constructor(
    readonly spec: WorkerSpec,
    readonly logFile: string,
    private readonly output: CombinedOutput,
    private readonly onLogFileError: (error: Error) => void,
  ) {
    try {
      this.logFd = openSync(logFile, 'a');
    } catch (e) {
      onLogFileError(e as Error);
    }
    const child = spawn(process.execPath, spec.args, {
      env: { ...process.env, ...spec.env, ...spec.secretEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.pid = child.pid;
    child.stdin.on('error', () => {
      // The worker side closing is expected once it exits; nothing is ever written.
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        child.stdin.destroy();
        resolve({ code, signal });
      });
      child.once('error', (e) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, startError: e.message });
      });
    });
    this.streams = [child.stdout, child.stderr];
    this.splitters = (['stdout', 'stderr'] as const).map((name) => new LineSplitter((line) => this.onLine(name, line)));
    this.drained = Promise.all(
      this.streams.map(
        (stream, i) =>
          new Promise<void>((resolve) => {
            stream.on('data', (chunk: Buffer) => this.splitters[i].push(chunk));
            stream.once('close', () => {
              this.splitters[i].end();
              resolve();
            });
          }),
      ),
    ).then(() => this.closeLog());
  }

  /** The last lines the worker wrote (stdout and stderr in arrival order). */
  tail(): string[] {
    return [...this.recent];
  }

  /** Sends `signal` to the worker's whole process group; a group already gone is fine. */
  signalGroup(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, signal);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }

  /** Whether the worker's process group (the worker or what it started) still exists, zombies included. */
  groupExists(): boolean {
    if (this.pid === undefined) return false;
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** Stops reading output a process outside the group may still hold open. */
  abandonOutput(): void {
    for (const s of this.streams) s.destroy();
  }

  private onLine(stream: StreamName, line: string): void {
    this.recent.push(line);
    if (this.recent.length > TAIL_LINES) this.recent.shift();
    if (this.logFd >= 0) {
      try {
        writeSync(this.logFd, line + '\n');
      } catch (e) {
        this.closeLog();
        this.onLogFileError(e as Error);
      }
    }
    this.output.workerLine(this.spec.rank, stream, line);
  }

  private closeLog(): void {
    if (this.logFd >= 0) closeSync(this.logFd);
    this.logFd = -1;
  }
}
