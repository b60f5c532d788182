// launch/slurm/rwp.sbatch itself, submitted with sbatch to a real Slurm of two "nodes": two slurmd
// on two simulated hosts (testing/simulated-hosts.ts). The script's own srun
// starts a rank on each node; the job must end with the weights of the same config on one host.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath, REPO_ROOT } from './repo.js';
import { scratchDir } from './scratch-dir.js';
import { simulatedHosts, cannotSimulateHosts } from './testing/simulated-hosts.js';
import { cannotRunSlurm, startSlurm } from './testing/slurm-cluster.js';
import { assertTwoRanksFrom, launchReference, ONE_THREAD, start, succeed, weights, writeConfig } from './testing/train-runs.js';

const SCRIPT = repoPath('launch/slurm/rwp.sbatch');

test('launch/slurm/rwp.sbatch with sbatch on two nodes (1 task each): runs to the end with the weights of rwp-launch --nproc 2 on one host, bitwise', { timeout: 180_000, skip: cannotRunSlurm() ?? cannotSimulateHosts() }, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const hosts = simulatedHosts(t, dir);
  const onNode0 = ['ip', 'netns', 'exec', hosts.namespaces[0]];
  // The script asks for a GPU and 8 CPUs a task: the nodes declare them (no device is bound);
  // the command line pins 1 CPU a task (the script's RWP_THREADS follows it) and 1 task a node.
  const slurm = await startSlurm(t, hosts.names.map((name, i) => ({ name, addr: hosts.addrs[i], wrapper: hosts.on(i) })), { controllerAddr: hosts.addrs[0], controllerWrapper: onNode0, cpus: 16, gpus: 1 });
  const runDir = join(dir, 'sbatch');
  const job = start(
    t,
    [...onNode0, 'sbatch', '--wait', `--chdir=${REPO_ROOT}`, '--ntasks-per-node=1', '--cpus-per-task=1', `--output=${join(dir, 'job.out')}`, `--export=ALL,DATA_DIR=${dir},RUN_DIR=${runDir}`, SCRIPT, config],
    { ...slurm.env, ...ONE_THREAD },
  );
  await succeed(job, `sbatch (job output in ${join(dir, 'job.out')})`);
  assertTwoRanksFrom(readFileSync(join(dir, 'job.out'), 'utf8'), 'slurm');
  assert.ok(weights(runDir).equals(reference), 'the weights of the two-node job differ from those on one host');
  await slurm.drained(30_000);
});
