// Shared by the tests: run the compiled CLI as a real process, wait on real files and pids, and
// clean up everything a test started even when it fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { freePort, isRunning, listenThenClose, processGroupOf } from '@rwp/process-group';

export const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/** For tests that run processes: a bug that hangs one fails the test instead of the whole run. */
export const PROCESSES = { timeout: 180_000 };

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./${name}.js`, import.meta.url));
}

/** A temporary directory removed after the test, with a small config file in it. */
export function scratch(t: TestContext): { dir: string; config: string; runDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-launch-test-'));
  t.after(() => {
    killRecordedPids(join(dir, 'run'));
    rmSync(dir, { recursive: true, force: true });
  });
  const config = join(dir, 'test.yaml');
  writeFileSync(config, 'model: tiny\nepochs: 1\n');
  return { dir, config, runDir: join(dir, 'run') };
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `[...wrapper] node cli.js ...args`; killed after the test if it is still running. */
export function startCli(t: TestContext, args: string[], cwd?: string, wrapper: string[] = []): CliRun {
  const [command, ...rest] = [...wrapper, process.execPath, CLI, ...args];
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

/**
 * Every run's end. A run still going after `deadlineMs` is killed, and the error carries what
 * each run printed, so a hang fails with its story instead of the test's timeout alone.
 */
export async function allEnded(runs: CliRun[], deadlineMs = 90_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  const ended = await Promise.race([Promise.all(runs.map((r) => r.done)), late]);
  clearTimeout(timer);
  if (ended !== 'late') return ended;
  const still = runs.flatMap((r, i) => (r.child.exitCode === null && r.child.signalCode === null ? [i] : []));
  for (const i of still) runs[i].child.kill('SIGKILL');
  const told = runs.map((r, i) => `--- run ${i}${still.includes(i) ? ' (still running)' : ''}\nstdout:\n${r.stdout()}\nstderr:\n${r.stderr()}`);
  throw new Error(`run(s) ${still.join(', ')} still running after ${deadlineMs / 1000} s\n${told.join('\n')}`);
}

/** A --master-port for several nodes' launchers on this host: it and the launchers' port after it are free now. */
export async function freeMasterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const nextFree = await listenThenClose(port + 1, '127.0.0.1').then(
      () => true,
      () => false,
    );
    if (nextFree) return port;
  }
}

export async function runCli(t: TestContext, args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(t, args, cwd);
  const { code } = await run.done;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** The JSON objects of the launcher's piped output, one per line. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls until `ready` holds; the deadline only stops a broken test from hanging. */
export async function waitFor(what: string, ready: () => boolean, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}

/** Running (a zombie awaiting its reaper counts as ended). */
export const alive = isRunning;

/** Worker and child pids the sleep-or-fail fixture recorded in `runDir`. */
export function recordedPids(runDir: string): { rank: number; worker: number; child: number }[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .filter((f) => /^pids-\d+\.json$/.test(f))
    .map((f) => ({ rank: Number(f.slice(5, -5)), ...(JSON.parse(readFileSync(join(runDir, f), 'utf8')) as { worker: number; child: number }) }));
}

/** SIGKILLs recorded processes that are still ours (checked, so a reused pid is left alone). */
function killRecordedPids(runDir: string): void {
  for (const p of recordedPids(runDir)) {
    for (const pid of [p.worker, p.child]) {
      if (!commandLineOf(pid).includes(runDir) && processGroupOf(pid) !== p.worker) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
