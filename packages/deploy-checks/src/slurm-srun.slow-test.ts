// A real Slurm on this host (testing/slurm-cluster.ts): srun starts rwp-train's tasks with
// Slurm's own environment. RWP must end with the very weights of rwp-launch on the same config,
// and a killed task must end the job step, named, with nothing left running.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir } from './scratch-dir.js';
import { cannotRunSlurm, startSlurm, type SlurmCluster } from './testing/slurm-cluster.js';
import { assertTwoRanksFrom, launchReference, ONE_THREAD, rankToKill, start, succeed, TRAIN, weights, writeConfig } from './testing/train-runs.js';
import type { TestContext } from 'node:test';

const LONG = { timeout: 180_000, skip: cannotRunSlurm() };

function oneNode(t: TestContext): Promise<SlurmCluster> {
  // Named as this host is: srun gives rank 0's node name as MASTER_ADDR, and this one resolves.
  return startSlurm(t, [{ name: hostname(), addr: '127.0.0.1', wrapper: [] }], { controllerAddr: '127.0.0.1', controllerWrapper: [], cpus: 2, gpus: 0 });
}

function srun(t: TestContext, slurm: SlurmCluster, config: string, runDir: string) {
  return start(t, ['srun', '-n', '2', '--kill-on-bad-exit=1', process.execPath, TRAIN, config, '--run-dir', runDir], { ...slurm.env, ...ONE_THREAD });
}

test('srun -n 2 of rwp-train on one node: RWP trains on 2 ranks to the weights of rwp-launch --nproc 2, bitwise', LONG, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const slurm = await oneNode(t);
  const out = await succeed(srun(t, slurm, config, join(dir, 'srun')), 'srun');
  assertTwoRanksFrom(out, 'slurm');
  assert.ok(weights(join(dir, 'srun')).equals(reference), 'the weights under srun differ from those under rwp-launch');
});

test('a task of srun killed: the step ends non-zero, the rank is named, no task is left', LONG, async (t) => {
  const dir = scratchDir(t);
  const runDir = join(dir, 'srun');
  const config = writeConfig(dir, 40);
  const slurm = await oneNode(t);
  const run = srun(t, slurm, config, runDir);
  process.kill(await rankToKill(runDir, 'SLURM_PROCID', '1'), 'SIGKILL');
  const { code } = await run.done;
  assert.notEqual(code, 0, run.output().slice(-3000));
  assert.match(run.output(), /task 1: Killed/);
  await slurm.drained(30_000);
});
