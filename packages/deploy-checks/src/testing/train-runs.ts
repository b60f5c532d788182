// Real training runs under the cluster launchers (srun, sbatch, mpirun, torchrun's agent) and the
// rwp-launch run each must match bitwise: one small config, threads pinned to 1 on both sides
// (oneDNN's results depend on the thread count).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { CLI_PATHS } from '../repo.js';

export const TRAIN = CLI_PATHS['rwp-train'];

/** 16 steps of RWP on 2 ranks (8 of 4 x 4 for longer runs): seconds on this machine. */
const CONFIG = `seed: 3
model:
  arch: cnn
data:
  dataset: synthetic
  image_size: 12
  batch_size: 16
  limit_train: 128
  limit_test: 32
method:
  name: rwp
train:
  epochs: EPOCHS
  log_every: 1000
`;

/** One thread per rank, as rwp-launch --threads 1 sets it. */
export const ONE_THREAD = { RWP_THREADS: '1', OMP_NUM_THREADS: '1' };

/** Writes the test config (`epochs` long) into `dir`; returns its path. */
export function writeConfig(dir: string, epochs = 4): string {
  const path = join(dir, 'train.yaml');
  writeFileSync(path, CONFIG.replace('EPOCHS', String(epochs)));
  return path;
}

export function weights(runDir: string): Buffer {
  return readFileSync(join(runDir, 'model', 'weights.bin'));
}

export interface Started {
  child: ChildProcess;
  output(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a command with stdout and stderr captured together; SIGKILLed after the test if still running. */
export function start(t: TestContext, command: string[], env: NodeJS.ProcessEnv, cwd?: string): Started {
  const child = spawn(command[0], command.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => out, done };
}

/** Runs to the end; throws with the output unless it exits 0. */
export async function succeed(run: Started, what: string): Promise<string> {
  const { code, signal } = await run.done;
  if (code !== 0) throw new Error(`${what} ended with ${code ?? signal}:\n${run.output().slice(-6000)}`);
  return run.output();
}

/** The reference: the same config under rwp-launch --nproc `nproc` --threads 1, on this host. */
export async function launchReference(t: TestContext, config: string, runDir: string, nproc: number): Promise<Buffer> {
  await succeed(start(t, [process.execPath, CLI_PATHS['rwp-launch'], '--nproc', String(nproc), '--threads', '1', '--gpus', 'none', '--run-dir', runDir, config], process.env), 'rwp-launch');
  return weights(runDir);
}

/** Live processes running rwp-train on `runDir` (a rank's command line names its run directory). */
export function ranksOf(runDir: string): { pid: number; env: Record<string, string> }[] {
  const out: { pid: number; env: Record<string, string> }[] = [];
  for (const p of readdirProc()) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (!cmd.some((a) => a.endsWith('cli.js') || a.endsWith('rwp-train')) || !cmd.includes(runDir)) continue;
      if (readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      const env = Object.fromEntries(readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      out.push({ pid: Number(p), env });
    } catch {
      // Ended meanwhile.
    }
  }
  return out;
}

function readdirProc(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p));
}

/** Polls until `ready` gives a value; the deadline only stops a broken test from hanging. */
export async function waitFor<T>(what: string, ready: () => T | undefined, deadlineMs = 120_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = ready();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

/** Once the first checkpoint of `runDir` is written (the group formed and trains), the pid of the rank whose `variable` is `value`. */
export function rankToKill(runDir: string, variable: string, value: string): Promise<number> {
  return waitFor(`a checkpoint in ${runDir} and the rank with ${variable}=${value}`, () =>
    existsSync(join(runDir, 'checkpoint.bin')) ? ranksOf(runDir).find((r) => r.env[variable] === value)?.pid : undefined,
  );
}

/** rank 0's "training" line says the group has 2 ranks from `source` (as JSON, or pretty when the launcher gives the ranks a terminal, as mpirun does). */
export function assertTwoRanksFrom(output: string, source: string): void {
  if (!new RegExp(`world_size\\S*\\s?2[\\s\\S]{0,40}source\\S*\\s?"${source}"`).test(output)) {
    throw new Error(`no line says world_size 2 from ${source}:\n${output.slice(-4000)}`);
  }
}
