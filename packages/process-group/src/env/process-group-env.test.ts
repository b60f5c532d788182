import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessGroupEnvError, resolveProcessGroup } from '../index.js';

function throwsNaming(env: NodeJS.ProcessEnv, variable: string, message?: RegExp): void {
  assert.throws(
    () => resolveProcessGroup(env),
    (e: unknown) => {
      assert.ok(e instanceof ProcessGroupEnvError, String(e));
      assert.equal(e.variable, variable, e.message);
      assert.ok(e.message.startsWith(`${variable}: `), e.message);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

test('no variables: a single process', () => {
  assert.deepEqual(resolveProcessGroup({}), {
    rank: 0,
    worldSize: 1,
    localRank: 0,
    localWorldSize: 1,
    nodeRank: 0,
    masterAddr: '127.0.0.1',
    masterPort: 29500,
    runId: 'single',
    transport: 'ipc',
    timeoutMs: 300_000,
    source: 'single',
  });
});

test('launcher (torchrun-style) variables', () => {
  const pg = resolveProcessGroup({
    RANK: '5',
    WORLD_SIZE: '8',
    LOCAL_RANK: '1',
    LOCAL_WORLD_SIZE: '4',
    MASTER_ADDR: '10.0.0.2',
    MASTER_PORT: '29400',
    RWP_RUN_ID: 'run-7',
    RWP_TRANSPORT: 'tcp',
    RWP_COMM_TIMEOUT_MS: '1500',
  });
  assert.deepEqual(pg, {
    rank: 5,
    worldSize: 8,
    localRank: 1,
    localWorldSize: 4,
    nodeRank: 1,
    masterAddr: '10.0.0.2',
    masterPort: 29400,
    runId: 'run-7',
    transport: 'tcp',
    timeoutMs: 1500,
    source: 'launcher',
  });
  assert.equal(resolveProcessGroup({ RANK: '2', WORLD_SIZE: '4', LOCAL_RANK: '0', LOCAL_WORLD_SIZE: '2', GROUP_RANK: '1', MASTER_ADDR: 'h' }).nodeRank, 1);
});

test('invalid or inconsistent launcher values name the variable', () => {
  const base = { RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: 'h' };
  throwsNaming({ ...base, RANK: '2' }, 'RANK', /RANK=2 must be less than WORLD_SIZE=2/);
  throwsNaming({ ...base, RANK: '1.5' }, 'RANK', /integer/);
  throwsNaming({ ...base, RANK: '-1' }, 'RANK');
  throwsNaming({ ...base, WORLD_SIZE: 'two' }, 'WORLD_SIZE');
  throwsNaming({ ...base, WORLD_SIZE: '0' }, 'WORLD_SIZE');
  throwsNaming({ RANK: '0' }, 'WORLD_SIZE', /not set/);
  throwsNaming({ RANK: '1', WORLD_SIZE: '2' }, 'MASTER_ADDR', /not set/);
  throwsNaming({ ...base, MASTER_PORT: '70000' }, 'MASTER_PORT');
  throwsNaming({ ...base, MASTER_PORT: '29500x' }, 'MASTER_PORT');
  throwsNaming({ ...base, LOCAL_RANK: '2', LOCAL_WORLD_SIZE: '2' }, 'LOCAL_RANK', /LOCAL_RANK=2 must be less than LOCAL_WORLD_SIZE=2/);
  throwsNaming({ ...base, LOCAL_WORLD_SIZE: '3' }, 'LOCAL_WORLD_SIZE', /exceeds WORLD_SIZE=2/);
  throwsNaming({ ...base, RWP_TRANSPORT: 'udp' }, 'RWP_TRANSPORT');
  throwsNaming({ ...base, RWP_COMM_TIMEOUT_MS: '0' }, 'RWP_COMM_TIMEOUT_MS');
  throwsNaming({ WORLD_SIZE: '4' }, 'RANK', /WORLD_SIZE=4/);
});

test('Slurm srun task', () => {
  const pg = resolveProcessGroup({
    SLURM_PROCID: '5',
    SLURM_NTASKS: '8',
    SLURM_LOCALID: '1',
    SLURM_NTASKS_PER_NODE: '4',
    SLURM_JOB_NODELIST: 'gpu[03-04]',
    SLURM_JOB_ID: '12345',
  });
  assert.deepEqual(pg, {
    rank: 5,
    worldSize: 8,
    localRank: 1,
    localWorldSize: 4,
    nodeRank: 1,
    masterAddr: 'gpu03',
    masterPort: 29500 + (12345 % 2000),
    runId: '12345',
    transport: 'ipc',
    timeoutMs: 300_000,
    source: 'slurm',
  });
});

test('Slurm: uneven tasks per node, node id, MASTER_* and run id from the environment', () => {
  const env = {
    SLURM_PROCID: '9',
    SLURM_NTASKS: '11',
    SLURM_LOCALID: '1',
    SLURM_TASKS_PER_NODE: '4(x2),3',
    SLURM_NODELIST: 'cpu5,gpu[01-03,07]',
    SLURM_JOB_ID: '77',
    SLURM_STEP_ID: '2',
  };
  const pg = resolveProcessGroup(env);
  assert.equal(pg.nodeRank, 2);
  assert.equal(pg.localWorldSize, 3);
  assert.equal(pg.masterAddr, 'cpu5');
  assert.equal(pg.runId, '77.2');
  const over = resolveProcessGroup({ ...env, SLURM_NODEID: '2', MASTER_ADDR: 'login1', MASTER_PORT: '4000', RWP_RUN_ID: 'r' });
  assert.deepEqual([over.masterAddr, over.masterPort, over.runId, over.nodeRank], ['login1', 4000, 'r', 2]);
  // Without any per-node count, the node list divides the tasks evenly.
  assert.equal(resolveProcessGroup({ SLURM_PROCID: '3', SLURM_NTASKS: '4', SLURM_LOCALID: '1', SLURM_JOB_NODELIST: 'n[1-2]' }).localWorldSize, 2);
});

test('invalid Slurm values name the variable', () => {
  const base = { SLURM_PROCID: '5', SLURM_NTASKS: '8', SLURM_LOCALID: '1', SLURM_NTASKS_PER_NODE: '4', SLURM_JOB_NODELIST: 'gpu[03-04]' };
  throwsNaming({ ...base, SLURM_PROCID: '8' }, 'SLURM_PROCID', /SLURM_PROCID=8 must be less than SLURM_NTASKS=8/);
  throwsNaming({ ...base, SLURM_NTASKS: undefined }, 'SLURM_NPROCS', /not set/);
  throwsNaming({ ...base, SLURM_LOCALID: 'x' }, 'SLURM_LOCALID');
  throwsNaming({ ...base, SLURM_LOCALID: '4' }, 'SLURM_LOCALID');
  throwsNaming({ ...base, SLURM_NTASKS_PER_NODE: '4(x' }, 'SLURM_NTASKS_PER_NODE', /cannot parse/);
  throwsNaming({ ...base, SLURM_JOB_NODELIST: 'gpu[03-04' }, 'SLURM_JOB_NODELIST', /cannot parse/);
  throwsNaming({ ...base, SLURM_JOB_NODELIST: undefined }, 'MASTER_ADDR', /not set/);
  throwsNaming({ ...base, SLURM_NTASKS_PER_NODE: undefined, SLURM_JOB_NODELIST: 'a,b,c' }, 'SLURM_TASKS_PER_NODE');
  throwsNaming({ ...base, SLURM_TASKS_PER_NODE: '2,2' }, 'SLURM_TASKS_PER_NODE', /places 4 tasks/);
});

test('Kubernetes indexed Job', () => {
  const pg = resolveProcessGroup({ JOB_COMPLETION_INDEX: '2', RWP_NNODES: '4', MASTER_ADDR: 'train-0.train', HOSTNAME: 'train-2-x7k2p' });
  assert.deepEqual(pg, {
    rank: 2,
    worldSize: 4,
    localRank: 0,
    localWorldSize: 1,
    nodeRank: 2,
    masterAddr: 'train-0.train',
    masterPort: 29500,
    runId: 'train',
    transport: 'ipc',
    timeoutMs: 300_000,
    source: 'kubernetes',
  });
  const multi = resolveProcessGroup({ JOB_COMPLETION_INDEX: '1', WORLD_SIZE: '6', RWP_NPROC_PER_POD: '3', LOCAL_RANK: '2', MASTER_ADDR: 'm', JOB_NAME: 'job-a' });
  assert.deepEqual([multi.rank, multi.worldSize, multi.localRank, multi.localWorldSize, multi.nodeRank, multi.runId], [5, 6, 2, 3, 1, 'job-a']);
});

test('invalid Kubernetes values name the variable', () => {
  const base = { JOB_COMPLETION_INDEX: '1', RWP_NNODES: '2', MASTER_ADDR: 'm' };
  throwsNaming({ ...base, JOB_COMPLETION_INDEX: '2' }, 'JOB_COMPLETION_INDEX', /less than the number of pods, 2/);
  throwsNaming({ JOB_COMPLETION_INDEX: '0', MASTER_ADDR: 'm' }, 'RWP_NNODES', /not set/);
  throwsNaming({ ...base, WORLD_SIZE: '3' }, 'WORLD_SIZE', /differs/);
  throwsNaming({ JOB_COMPLETION_INDEX: '0', WORLD_SIZE: '5', RWP_NPROC_PER_POD: '2', LOCAL_RANK: '0', MASTER_ADDR: 'm' }, 'WORLD_SIZE', /multiple/);
  throwsNaming({ ...base, RWP_NPROC_PER_POD: '2' }, 'LOCAL_RANK', /not set/);
  throwsNaming({ ...base, MASTER_ADDR: undefined }, 'MASTER_ADDR');
});

test('the launcher wins over Slurm and Kubernetes variables it runs under', () => {
  const pg = resolveProcessGroup({ RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: 'h', SLURM_PROCID: '0', SLURM_NTASKS: '1', JOB_COMPLETION_INDEX: '0' });
  assert.equal(pg.source, 'launcher');
});
