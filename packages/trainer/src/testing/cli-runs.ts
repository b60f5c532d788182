// Test helpers: run the real CLIs as child processes and read what they leave in the run dir.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../checkpoint.js';

export const TRAIN_CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
export const LAUNCH_CLI = fileURLToPath(new URL('../../../launcher/dist/cli.js', import.meta.url));
export const SMOKE_CONFIG = fileURLToPath(new URL('../../../../configs/smoke.yaml', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

export function run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 240_000): Promise<RunResult> {
  return runCommand(process.execPath, args, env, timeoutMs);
}

/** Whether util-linux's `script` is installed, which runs a command on a pseudo-terminal. */
export function hasScript(): boolean {
  return spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;
}

/**
 * `node ...args` with its stdout and stderr on a real terminal (a pty of `script`, `columns` wide);
 * `out` is what the terminal received, control codes included, with "\r\n" line ends.
 */
export function runOnTerminal(args: string[], columns: number, timeoutMs = 240_000): Promise<RunResult> {
  const command = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return runCommand('script', ['-qfec', `stty cols ${columns} rows 50; exec ${command}`, '/dev/null'], {}, timeoutMs);
}

function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

export function finalWeights(runDir: string): Float32Array {
  const ckpt = readCheckpoint(runDir);
  if (!ckpt) throw new Error(`no checkpoint in ${runDir}`);
  return ckpt.arrays.weights;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
