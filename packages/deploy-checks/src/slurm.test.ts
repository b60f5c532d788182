import assert from 'node:assert/strict';
import { realpathSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BIN_PATHS, REPO_ROOT, repoPath } from './repo.js';
import { resolveInChild } from './resolve-rank.js';
import { batchEnv, hostList, runBatchScript, sbatchDirectives, srunTaskEnv, type Allocation } from './slurm.js';
import { loadTrainConfig, parseTrainArgs, trainerAccepts } from './train-args.js';

const SCRIPT = repoPath('launch/slurm/rwp.sbatch');
const DIRECTIVES = sbatchDirectives(readFileSync(SCRIPT, 'utf8'));
const { list, hosts } = hostList('gpu', Number(DIRECTIVES.nodes));
const ALLOCATION: Allocation = { jobId: 4242, hosts, tasksPerNode: Number(DIRECTIVES['ntasks-per-node']), cpusPerTask: Number(DIRECTIVES['cpus-per-task']) };
const DATA = '/shared/cifar10';

/** The batch script run as sbatch would, with the user's --export=ALL,DATA_DIR=... */
function srunCall(extra: Record<string, string> = {}, args: string[] = []) {
  return runBatchScript(SCRIPT, args, { ...batchEnv(ALLOCATION, list), HOME: '/home/u', DATA_DIR: DATA, ...extra }, hosts);
}

test('the batch script asks for one GPU per task, on several nodes', () => {
  assert.equal(DIRECTIVES['gpus-per-task'], '1');
  assert.ok(Number(DIRECTIVES.nodes) >= 2);
  assert.ok(Number(DIRECTIVES['ntasks-per-node']) >= 1);
  assert.equal(DIRECTIVES.requeue, 'true');
});

test('every task resolves its rank, node and master from the environment srun gives it', () => {
  const call = srunCall();
  const world = hosts.length * ALLOCATION.tasksPerNode;
  for (let rank = 0; rank < world; rank++) {
    const env = { ...call.env, ...srunTaskEnv(ALLOCATION, list, rank) };
    const id = resolveInChild(env);
    const node = Math.floor(rank / ALLOCATION.tasksPerNode);
    assert.deepEqual(
      [id.rank, id.worldSize, id.localRank, id.localWorldSize, id.nodeRank, id.masterAddr, id.masterPort, id.source],
      [rank, world, rank % ALLOCATION.tasksPerNode, ALLOCATION.tasksPerNode, node, 'gpu01', 29500 + (4242 % 2000), 'slurm'],
    );
    // The worker's own rule, without the script's MASTER_ADDR and MASTER_PORT, agrees.
    const { MASTER_ADDR: _a, MASTER_PORT: _p, ...bare } = env;
    const own = resolveInChild(bare);
    assert.deepEqual([own.masterAddr, own.masterPort], [id.masterAddr, id.masterPort]);
  }
});

test('srun starts rwp-train, which accepts the command line, resumes and loads the recipe', () => {
  const call = srunCall({}, ['configs/cifar100-resnet18-rwp.yaml']);
  const program = call.argv.findIndex((a) => !a.startsWith('-'));
  assert.ok(call.argv.includes('--kill-on-bad-exit=1'));
  assert.equal(realpathSync(`${REPO_ROOT}/${call.argv[program]}`), BIN_PATHS['rwp-train']);
  const args = call.argv.slice(program + 1);
  const parsed = parseTrainArgs(args);
  assert.equal(parsed.resume, true);
  assert.equal(parsed.runDir, 'runs/cifar100-resnet18-rwp-4242');
  const config = loadTrainConfig(parsed);
  assert.deepEqual([config.data.dataset, config.data.dir], ['cifar100', DATA]);
  const accepted = trainerAccepts(args);
  assert.ok(accepted.accepted && accepted.help, accepted.stdout + accepted.stderr);
});

test('the batch script names DATA_DIR when it is missing, and honours RUN_DIR and MASTER_PORT', () => {
  assert.throws(() => runBatchScript(SCRIPT, [], batchEnv(ALLOCATION, list), hosts), /DATA_DIR/);
  const call = srunCall({ RUN_DIR: '/shared/runs/a', MASTER_PORT: '30001' });
  assert.equal(parseTrainArgs(call.argv.slice(call.argv.findIndex((a) => !a.startsWith('-')) + 1)).runDir, '/shared/runs/a');
  assert.equal(call.env.MASTER_PORT, '30001');
});
