// A test group of rank-worker processes started by Open MPI's mpirun, as dist.backend: mpi needs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '@rwp/process-group';
import { mpiMissing } from '@rwp/mpi';
import type { Exit, WorkerEvent } from './group.js';
import { WORKER } from './group.js';

export const MPIRUN = '/usr/bin/mpirun';

/** Why tests of the mpi backend cannot run here, or undefined. */
export function cannotRunMpi(): string | undefined {
  if (!existsSync(MPIRUN)) return `${MPIRUN} not installed (apt-get install openmpi-bin libopenmpi-dev; scripts/setup.sh installs them)`;
  return mpiMissing() || undefined;
}

/** Open MPI refuses to run as root without both variables (tests may run as root in a container). */
export const MPI_TEST_ENV = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

export interface MpiRun {
  exit: Exit;
  /** Each rank's events, from mpirun's tagged output. */
  events: WorkerEvent[][];
  /** Everything else mpirun printed (stderr of the ranks and of mpirun). */
  other: string;
}

let runs = 0;

/** Runs `scenario` on `np` ranks under mpirun with the mpi backend; kills it after `timeoutMs`. */
export async function mpirunGroup(np: number, scenario: string, env: Record<string, string>, timeoutMs = 90_000): Promise<MpiRun> {
  // --oversubscribe: more ranks than cores (this machine may have 2) is a test's choice, not a mistake.
  const child = spawn(MPIRUN, ['-np', String(np), '--oversubscribe', '--tag-output', process.execPath, WORKER], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...MPI_TEST_ENV,
      MASTER_PORT: String(await freePort()),
      RWP_RUN_ID: `test-mpi-${process.pid}-${++runs}`,
      RWP_TEST_BACKEND: 'mpi',
      RWP_TEST_SCENARIO: scenario,
      ...env,
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  const events: WorkerEvent[][] = Array.from({ length: np }, () => []);
  const other: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\[\d+,(\d+)\]<stdout>:(\{.*\})$/.exec(line);
    if (m) events[Number(m[1])].push(JSON.parse(m[2]) as WorkerEvent);
    else if (line !== '') other.push(line);
  }
  return { exit, events, other: other.join('\n') };
}
