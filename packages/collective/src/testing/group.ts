// Starts a test group of rank-worker processes and cleans up after it, whatever happens.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@rwp/process-group';
import { removeRunRegions } from '@rwp/shm';
import { ipcDirFor } from '../transport/ipc-dir.js';

export const WORKER = fileURLToPath(new URL('./rank-worker.js', import.meta.url));
export const ROGUE = fileURLToPath(new URL('./rogue-rank.js', import.meta.url));

export interface WorkerEvent {
  event: string;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One spawned process with everything it printed. */
export class Proc {
  readonly events: WorkerEvent[] = [];
  stderr = '';
  readonly exit: Promise<Exit>;
  private readonly listeners: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          this.events.push(JSON.parse(line) as WorkerEvent);
        } catch {
          this.events.push({ event: 'unparsed', line });
        }
        for (const l of this.listeners) l();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The first event of this name; rejects if the process exits without printing it. */
  waitFor(name: string): Promise<WorkerEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const e = this.events.find((x) => x.event === name);
        if (e !== undefined) resolve(e);
        return e !== undefined;
      };
      if (check()) return;
      this.listeners.push(check);
      void this.exit.then(({ code, signal }) => {
        if (!check()) reject(new Error(`process exited (code ${code}, signal ${signal}) without "${name}"; stderr:\n${this.stderr}`));
      });
    });
  }

  event(name: string): WorkerEvent | undefined {
    return this.events.find((x) => x.event === name);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

let groups = 0;

export interface GroupOptions {
  worldSize: number;
  scenario: string;
  transport?: 'ipc' | 'tcp';
  timeoutMs?: number;
  /** Extra environment for every rank. */
  env?: Record<string, string>;
  /** Ranks to start now (default: all); others can be started later with spawnRank. */
  ranks?: number[];
}

/** A group of workers on 127.0.0.1. Always call stop() (e.g. in t.after). */
export class Group {
  /** The latest process started for each rank. */
  readonly procs = new Map<number, Proc>();
  private readonly all: Proc[] = [];
  readonly runId = `test-${process.pid}-${++groups}-${Date.now()}`;

  private constructor(readonly o: GroupOptions, readonly port: number) {}

  static async start(o: GroupOptions): Promise<Group> {
    const g = new Group(o, await freePort());
    for (const r of o.ranks ?? [...Array(o.worldSize).keys()]) g.spawnRank(r);
    return g;
  }

  /** Starts one rank, with `env` overriding the group's variables (e.g. another RWP_RUN_ID). */
  spawnRank(rank: number, env: Record<string, string> = {}, script = WORKER): Proc {
    const child = spawn(process.execPath, [script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        RANK: String(rank),
        WORLD_SIZE: String(this.o.worldSize),
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(this.port),
        RWP_RUN_ID: this.runId,
        RWP_TRANSPORT: this.o.transport ?? 'ipc',
        RWP_COMM_TIMEOUT_MS: String(this.o.timeoutMs ?? 60_000),
        RWP_TEST_SCENARIO: this.o.scenario,
        ...this.o.env,
        ...env,
      },
    });
    const p = new Proc(child);
    this.procs.set(rank, p);
    this.all.push(p);
    return p;
  }

  proc(rank: number): Proc {
    const p = this.procs.get(rank);
    if (p === undefined) throw new Error(`rank ${rank} was not started`);
    return p;
  }

  /** Every process's exit, by rank. */
  async exits(): Promise<Map<number, Exit>> {
    const out = new Map<number, Exit>();
    for (const [r, p] of this.procs) out.set(r, await p.exit);
    return out;
  }

  /** Kills whatever still runs and removes the run's ipc directory and shared memory. */
  async stop(): Promise<void> {
    for (const p of this.all) p.kill();
    await Promise.all(this.all.map((p) => p.exit));
    rmSync(ipcDirFor(this.runId, this.port), { recursive: true, force: true });
    removeRunRegions(this.runId, this.port);
  }
}
