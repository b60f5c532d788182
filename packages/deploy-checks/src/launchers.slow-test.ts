// Open MPI's mpirun and torchrun's agent (Debian's openmpi-bin and python3-torch) start rwp-train:
// each group trains to the very weights of rwp-launch on the same config, and a killed rank is
// named, ends the run non-zero and leaves nothing running. dist.backend: mpi (MPI_Allreduce) gives
// the ring's weights under mpirun, and a clear error under any other launcher.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { mpiMissing } from '@rwp/mpi';
import { freePort } from '@rwp/process-group';
import { CLI_PATHS } from './repo.js';
import { scratchDir } from './scratch-dir.js';
import { cannotSimulateHosts, simulatedHosts } from './testing/simulated-hosts.js';
import { assertTwoRanksFrom, launchReference, ONE_THREAD, rankToKill, ranksOf, start, succeed, TRAIN, waitFor, weights, writeConfig } from './testing/train-runs.js';

const MPIRUN = '/usr/bin/mpirun';
const PYTHON = '/usr/bin/python3';
const AGENT = fileURLToPath(new URL('../src/testing/torch-agent.py', import.meta.url));

function skipUnless(program: string, pkg: string): string | undefined {
  if (!existsSync(program)) return `${program} not installed (apt-get install ${pkg}; scripts/setup.sh installs it)`;
  return undefined;
}
const NO_MPI = skipUnless(MPIRUN, 'openmpi-bin');
const NO_MPI_ADDON = mpiMissing() || undefined;
const NO_TORCH = skipUnless('/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py', 'python3-torch');
const LONG = { timeout: 120_000 };

// Open MPI refuses root without both variables (the test may run as root in a container).
const MPI_ENV = { ...process.env, ...ONE_THREAD, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

function mpirun(t: TestContext, config: string, runDir: string, ...args: string[]) {
  return start(t, [MPIRUN, '-np', '2', '-x', 'RWP_THREADS', '-x', 'OMP_NUM_THREADS', process.execPath, TRAIN, config, '--run-dir', runDir, ...args], MPI_ENV);
}

async function agent(t: TestContext, config: string, runDir: string) {
  return start(t, [PYTHON, AGENT, '2', String(await freePort()), '0', process.execPath, TRAIN, config, '--run-dir', runDir], { ...process.env, ...ONE_THREAD });
}

/** Nothing of the run is left once its launcher has ended. */
async function nothingLeft(runDir: string): Promise<void> {
  await waitFor(`every rank of ${runDir} to end`, () => (ranksOf(runDir).length === 0 ? true : undefined), 30_000);
}

test('mpirun -np 2 rwp-train: one group of 2 ranks from OMPI_COMM_WORLD_*, the weights of rwp-launch --nproc 2, bitwise', { ...LONG, skip: NO_MPI }, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const out = await succeed(mpirun(t, config, join(dir, 'mpi')), 'mpirun');
  assertTwoRanksFrom(out, 'mpi');
  assert.ok(weights(join(dir, 'mpi')).equals(reference), 'the weights under mpirun differ from those under rwp-launch');
});

test('mpirun -np 2 rwp-train with dist.backend: mpi (MPI_Allreduce): the weights of the ring under rwp-launch --nproc 2 bitwise, and of sequential RWP in one process', { ...LONG, skip: NO_MPI ?? NO_MPI_ADDON }, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const out = await succeed(mpirun(t, config, join(dir, 'mpi'), '--set', 'dist.backend=mpi'), 'mpirun');
  assertTwoRanksFrom(out, 'mpi');
  assert.match(out, /allreduce over Open MPI \(dist\.backend: mpi\)/);
  assert.ok(weights(join(dir, 'mpi')).equals(reference), 'the weights through MPI_Allreduce differ from those through the ring');
  // Parallel RWP is sequential RWP's computation: the two passes of one process, in sequence.
  await succeed(start(t, [process.execPath, TRAIN, config, '--run-dir', join(dir, 'seq')], { ...process.env, ...ONE_THREAD }), 'rwp-train alone');
  const diff = maxAbsDiff(float32s(weights(join(dir, 'seq'))), float32s(reference));
  assert.ok(diff < 1e-5, `sequential and parallel (mpi) weights differ by ${diff}`);
});

function float32s(b: Buffer): Float32Array {
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

test('dist.backend: mpi under rwp-launch --nproc 2 (not mpirun): the first rank to fail names itself and mpirun, the run exits non-zero, no stack trace', { ...LONG, skip: NO_MPI_ADDON }, async (t) => {
  const dir = scratchDir(t);
  const run = start(t, [process.execPath, CLI_PATHS['rwp-launch'], '--nproc', '2', '--threads', '1', '--gpus', 'none', '--run-dir', join(dir, 'launch'), writeConfig(dir), '--set', 'dist.backend=mpi'], process.env);
  const { code } = await run.done;
  assert.notEqual(code, 0, run.output().slice(-3000));
  // rwp-launch stops the other rank once one fails, and repeats the failed rank's error.
  assert.match(run.output(), /rank (\d) exited with code 1: rank \1: connect failed: the mpi collective backend \(dist\.backend: mpi\) needs the workers started by Open MPI's mpirun/);
  assert.doesNotMatch(run.output(), /\n\s+at /, 'a stack trace');
});

test('a rank of mpirun killed: mpirun names it, exits non-zero, no rank is left', { ...LONG, skip: NO_MPI }, async (t) => {
  const dir = scratchDir(t);
  const runDir = join(dir, 'mpi');
  const run = mpirun(t, writeConfig(dir, 40), runDir);
  process.kill(await rankToKill(runDir, 'OMPI_COMM_WORLD_RANK', '1'), 'SIGKILL');
  const { code } = await run.done;
  assert.notEqual(code, 0, run.output().slice(-3000));
  assert.match(run.output(), /rank 1 with PID \d+ on node \S+ exited on signal 9 \(Killed\)/);
  await nothingLeft(runDir);
});

test('mpirun -np 2 across two simulated hosts (rsh agent into their namespaces): the weights of rwp-launch --nproc 2 on one host, bitwise', { ...LONG, skip: NO_MPI ?? cannotSimulateHosts() }, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const hosts = simulatedHosts(t, dir);
  // mpirun starts its daemon on the other host through an rsh agent ("AGENT HOST COMMAND"), ssh on
  // a cluster; here a script that enters that host's namespaces.
  const agent = join(dir, 'rsh-agent.sh');
  const cases = hosts.names.map((name, i) => `  ${name}) exec ${hosts.on(i).map(shellQuote).join(' ')} sh -c "$*" ;;`).join('\n');
  writeFileSync(agent, `#!/bin/sh\nhost=$1; shift\ncase $host in\n${cases}\nesac\nexit 1\n`, { mode: 0o755 });
  const hostfile = join(dir, 'hostfile');
  writeFileSync(hostfile, hosts.names.map((n) => `${n} slots=1\n`).join(''));
  const runDir = join(dir, 'mpi');
  const run = start(
    t,
    [...hosts.on(0), MPIRUN, '--hostfile', hostfile, '-np', '2', '--mca', 'plm_rsh_agent', agent, '-x', 'RWP_THREADS', '-x', 'OMP_NUM_THREADS', '-x', 'MASTER_ADDR', '-x', 'PATH', process.execPath, TRAIN, config, '--run-dir', runDir],
    { ...MPI_ENV, MASTER_ADDR: hosts.names[0] },
  );
  assertTwoRanksFrom(await succeed(run, 'mpirun'), 'mpi');
  assert.ok(weights(runDir).equals(reference), 'the weights under mpirun on two hosts differ from those on one host');
});

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

test("torchrun's agent with 2 workers: rwp forms its group beside the agent's store, the weights of rwp-launch --nproc 2, bitwise", { ...LONG, skip: NO_TORCH }, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const out = await succeed(await agent(t, config, join(dir, 'torchrun')), "torchrun's agent");
  assertTwoRanksFrom(out, 'torchrun');
  assert.ok(weights(join(dir, 'torchrun')).equals(reference), "the weights under torchrun's agent differ from those under rwp-launch");
});

test("a worker of torchrun's agent killed: the agent names its rank, exits non-zero, no worker is left", { ...LONG, skip: NO_TORCH }, async (t) => {
  const dir = scratchDir(t);
  const runDir = join(dir, 'torchrun');
  const run = await agent(t, writeConfig(dir, 40), runDir);
  process.kill(await rankToKill(runDir, 'RANK', '1'), 'SIGKILL');
  const { code } = await run.done;
  assert.notEqual(code, 0, run.output().slice(-3000));
  assert.match(run.output(), /rank\s*:\s*1 \(local_rank: 1\)[\s\S]*exitcode\s*:\s*-9/);
  await nothingLeft(runDir);
});
