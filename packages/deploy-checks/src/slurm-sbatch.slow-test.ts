// launch/slurm/rwp.sbatch itself, submitted with sbatch to a real Slurm of two "nodes": two slurmd
// in two network namespaces (the launcher's testing/two-hosts.ts), each node with its own host
// name, /dev/shm and /etc/hosts naming both, as separate machines have. The script's own srun
// starts a rank on each node; the job must end with the weights of the same config on one host.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath, REPO_ROOT } from './repo.js';
import { scratchDir } from './scratch-dir.js';
import { cannotRunSlurm, startSlurm } from './testing/slurm-cluster.js';
import { assertTwoRanksFrom, launchReference, ONE_THREAD, start, succeed, weights, writeConfig } from './testing/train-runs.js';

/** The launcher's two-host helper, loaded from its built file (it is test code, not the package's API). */
interface TwoHosts {
  ADDRS: string[];
  cannotRun(): string | undefined;
  twoHosts(t: unknown): string[];
}
const hosts = (await import(new URL('testing/two-hosts.js', import.meta.resolve('@rwp/launcher')).href)) as TwoHosts;

const SCRIPT = repoPath('launch/slurm/rwp.sbatch');

test('launch/slurm/rwp.sbatch with sbatch on two nodes (1 task each): runs to the end with the weights of rwp-launch --nproc 2 on one host, bitwise', { timeout: 180_000, skip: cannotRunSlurm() ?? hosts.cannotRun() }, async (t) => {
  const dir = scratchDir(t);
  const config = writeConfig(dir);
  const reference = await launchReference(t, config, join(dir, 'launch'), 2);
  const namespaces = hosts.twoHosts(t);
  const names = namespaces.map((_, i) => `rwp-test-host-${i}`);
  const etcHosts = join(dir, 'hosts');
  writeFileSync(etcHosts, `127.0.0.1 localhost\n${names.map((n, i) => `${hosts.ADDRS[i]} ${n}`).join('\n')}\n`);
  // As the launcher's onHost does, plus /etc/hosts; entered with nsenter rather than `ip netns
  // exec`, which mounts a fresh /sys without the cgroup tree slurmd probes at start.
  const nodeWrapper = (i: number): string[] => [
    'nsenter', `--net=/run/netns/${namespaces[i]}`, 'unshare', '--mount', '--uts', 'sh', '-c',
    `hostname ${names[i]} && mount -t tmpfs -o size=1g rwp-test-shm /dev/shm && mount --bind ${etcHosts} /etc/hosts && exec "$@"`, 'sh',
  ];
  const onNode0 = ['ip', 'netns', 'exec', namespaces[0]];
  // The script asks for a GPU and 8 CPUs a task: the nodes declare them (no device is bound);
  // the command line pins 1 CPU a task (the script's RWP_THREADS follows it) and 1 task a node.
  const slurm = await startSlurm(t, names.map((name, i) => ({ name, addr: hosts.ADDRS[i], wrapper: nodeWrapper(i) })), { controllerAddr: hosts.ADDRS[0], controllerWrapper: onNode0, cpus: 16, gpus: 1 });
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
