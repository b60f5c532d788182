// A real Slurm on this host (testing/slurm-cluster.ts): srun starts rwp-train's tasks with
// Slurm's own environment. RWP must end with the very weights of rwp-launch on the same config,
// and a killed task must end the job step, named, with nothing left running.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { repoPath, REPO_ROOT } from './repo.js';
import { scratchDir } from './scratch-dir.js';
import { cannotRunSlurm, startSlurm, type SlurmCluster } from './testing/slurm-cluster.js';
import { assertTwoRanksFrom, launchReference, waitFor, ONE_THREAD, rankToKill, start, succeed, TRAIN, weights, writeConfig } from './testing/train-runs.js';
import type { TestContext } from 'node:test';

const LONG = { timeout: 240_000, skip: cannotRunSlurm() };

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

test('launch/slurm/rwp.sbatch requeued after its first checkpoint (scontrol requeue): the same job resumes from the checkpoint to the weights of an uninterrupted run', LONG, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir, 8);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const slurm = await oneNode(t);
  const runDir = join(dir, 'sbatch');
  const out = join(dir, 'job.out');
  const submitted = slurm.client([
    'sbatch', '--parsable', `--chdir=${REPO_ROOT}`, '--nodes=1', '--ntasks-per-node=2', '--cpus-per-task=1', '--gpus-per-task=0', '--open-mode=append', `--output=${out}`,
    `--export=ALL,DATA_DIR=${dir},RUN_DIR=${runDir},OMP_NUM_THREADS=1`, repoPath('launch/slurm/rwp.sbatch'), config,
  ]);
  const jobId = submitted.trim().split(';')[0];
  await rankToKill(runDir, 'SLURM_PROCID', '1');
  slurm.client(['scontrol', 'requeue', jobId]);
  // Slurm holds a requeued job back for two minutes (its begin time); an administrator's update lets it start now.
  const jobState = (): string | undefined => /JobState=(\S+)/.exec(slurm.client(['scontrol', 'show', 'job', '--oneliner', jobId]))?.[1];
  await waitFor(`job ${jobId} to be pending again`, () => (jobState() === 'PENDING' ? true : undefined), 60_000);
  // Released only once the first instance's tasks are gone (a loaded host can take seconds to end
  // them: a rank finishes its checkpoint write first), and in a later second than slurmd revoked
  // the first instance's credential: slurmd compares whole seconds, and refuses a credential made
  // in the same second ("Job credential revoked"). Slurm's own two-minute hold ensures both.
  await slurm.drained(60_000);
  await sleep(1100 - (Date.now() % 1000));
  slurm.client(['scontrol', 'update', `JobId=${jobId}`, 'StartTime=now']);
  await waitFor(`job ${jobId} to complete after its requeue`, () => {
    const state = jobState();
    if (state === 'FAILED' || state === 'CANCELLED') {
      const record = slurm.client(['scontrol', 'show', 'job', jobId]);
      const daemons = readdirSync(join(slurm.dir, 'log')).map((f) => `== ${f}\n${readFileSync(join(slurm.dir, 'log', f), 'utf8').slice(-3000)}`).join('\n');
      throw new Error(`job ${jobId} ${state}:\n${readFileSync(out, 'utf8').slice(-4000)}\n== scontrol show job\n${record}\n${daemons}`);
    }
    return state === 'COMPLETED' ? true : undefined;
  }, 150_000);
  const log = readFileSync(out, 'utf8');
  assert.match(log, /resumed from step [1-9]/, log.slice(-4000));
  assert.ok(weights(runDir).equals(reference), 'the weights after the requeue differ from those of an uninterrupted run');
});
