// Runs the project's real command-line programs for the benchmarks: rwp-train for one rank,
// rwp-launch for several. Each run gets its own run directory; its output goes to
// RUN_DIR/bench-output.log and, when it fails, its last lines into the error. The program runs
// under sh so that `times` can report the CPU time of its whole process tree (host-cpu.ts).
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MethodName } from '@rwp/trainer';
import { cpuShare, parseTimes, readHostCpu, type CpuShare } from './host-cpu.js';

const TRAINER_CLI = fileURLToPath(import.meta.resolve('@rwp/trainer/cli'));
const LAUNCHER_CLI = fileURLToPath(new URL('./cli.js', import.meta.resolve('@rwp/launcher')));

export interface TrainingRun {
  /** Unique within a benchmark: names the run directory. */
  name: string;
  method: MethodName;
  nproc: number;
  /** `key=value` config overrides on top of the benchmark's config file. */
  sets: string[];
}

export interface FinishedRun {
  dir: string;
  seconds: number;
  /** One-minute load average of the host before and after the run (os.loadavg). */
  loadBefore: number;
  loadAfter: number;
  /** Null where /proc/stat is missing (not Linux). */
  cpu: CpuShare | null;
}

/** A config file in YAML's flow style (JSON is YAML), with a comment saying where it came from. */
export function writeConfig(path: string, comment: string, config: Record<string, unknown>): void {
  writeFileSync(path, `# ${comment}\n${JSON.stringify(config, null, 2)}\n`);
}

/** The command line of one run: rwp-train alone for one rank, rwp-launch otherwise. */
function commandLine(run: TrainingRun, config: string, dir: string): string[] {
  const sets = run.sets.flatMap((s) => ['--set', s]);
  if (run.nproc === 1) return [TRAINER_CLI, config, '--run-dir', dir, ...sets];
  // --share-gpus: parallel RWP on a host with fewer GPUs than ranks is a case the benchmark measures.
  return [LAUNCHER_CLI, '--nproc', String(run.nproc), '--threads', '1', '--share-gpus', '--run-dir', dir, config, ...sets];
}

/** A failure a user can act on (a run that failed, a file that is missing): shown without a stack. */
export class BenchmarkError extends Error {
  override name = 'BenchmarkError';
}

export async function runTraining(run: TrainingRun, config: string, runsDir: string): Promise<FinishedRun> {
  const dir = join(runsDir, run.name);
  return runProgram(run.name, dir, [process.execPath, ...commandLine(run, config, dir)]);
}

/** Runs `argv` with RUN_DIR `dir` for its log, timing it and measuring the CPU it and the host used. */
export async function runProgram(name: string, dir: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<FinishedRun> {
  mkdirSync(dir, { recursive: true });
  const log = createWriteStream(join(dir, 'bench-output.log'));
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail.push(...chunk.toString().split('\n').filter((l) => l.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - 15));
  };
  const loadBefore = loadavg()[0];
  const hostBefore = readHostCpu();
  const t0 = performance.now();
  const child = spawn('/bin/sh', ['-c', '"$@"; s=$?; times >&3; exit $s', 'sh', ...argv], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env });
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let times = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (times += chunk.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  await new Promise<void>((resolve) => log.end(resolve));
  const seconds = (performance.now() - t0) / 1000;
  const hostAfter = readHostCpu();
  if (code !== 0) {
    throw new BenchmarkError(
      `run ${name} failed (exit ${code}): ${argv.join(' ')}\n` +
        `last lines (all in ${join(dir, 'bench-output.log')}):\n  ${tail.map((l) => l.slice(0, 400)).join('\n  ')}`,
    );
  }
  const cpu = hostBefore && hostAfter ? cpuShare(hostBefore, hostAfter, parseTimes(times), seconds) : null;
  return { dir, seconds, loadBefore, loadAfter: loadavg()[0], cpu };
}

/** Copies the small result files of a run (metrics, summary, per-step times) to `to`. */
export function copyRunResults(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of ['metrics.jsonl', 'summary.json']) {
    if (existsSync(join(from, f))) copyFileSync(join(from, f), join(to, f));
  }
  const steps = join(from, 'steps');
  if (existsSync(steps)) {
    mkdirSync(join(to, 'steps'), { recursive: true });
    for (const f of readdirSync(steps)) copyFileSync(join(steps, f), join(to, 'steps', f));
  }
}

/** 2025-01-02T03:04:05.678Z -> 20250102-030405: sortable, safe in a path. */
export function timeStamp(d = new Date()): string {
  return d.toISOString().replace(/\..*$/, '').replace(/[-:]/g, '').replace('T', '-');
}
