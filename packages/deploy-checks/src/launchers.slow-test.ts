// Open MPI's mpirun and torchrun's agent (Debian's openmpi-bin and python3-torch) start rwp-train:
// each group trains to the very weights of rwp-launch on the same config, and a killed rank is
// named, ends the run non-zero and leaves nothing running.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { freePort } from '@rwp/process-group';
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
const NO_TORCH = skipUnless('/usr/lib/python3/dist-packages/torch/distributed/launcher/api.py', 'python3-torch');
const LONG = { timeout: 120_000 };

// Open MPI refuses root without both variables (the test may run as root in a container).
const MPI_ENV = { ...process.env, ...ONE_THREAD, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

function mpirun(t: TestContext, config: string, runDir: string) {
  return start(t, [MPIRUN, '-np', '2', '-x', 'RWP_THREADS', '-x', 'OMP_NUM_THREADS', process.execPath, TRAIN, config, '--run-dir', runDir], MPI_ENV);
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
