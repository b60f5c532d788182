import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessGroupEnvError, resolveProcessGroup } from '../index.js';

const MPIRUN = { OMPI_COMM_WORLD_RANK: '3', OMPI_COMM_WORLD_SIZE: '4', OMPI_COMM_WORLD_LOCAL_RANK: '1', OMPI_COMM_WORLD_LOCAL_SIZE: '2', OMPI_MCA_ess_base_jobid: '2887516161' };

test("mpirun's variables give rank, local rank and node; MASTER_ADDR and MASTER_PORT as torchrun users set them", () => {
  const pg = resolveProcessGroup({ ...MPIRUN, MASTER_ADDR: 'node0', MASTER_PORT: '29400' });
  assert.deepEqual(
    { rank: pg.rank, worldSize: pg.worldSize, localRank: pg.localRank, localWorldSize: pg.localWorldSize, nodeRank: pg.nodeRank, masterAddr: pg.masterAddr, masterPort: pg.masterPort, runId: pg.runId, source: pg.source },
    { rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, nodeRank: 1, masterAddr: 'node0', masterPort: 29400, runId: 'mpi-2887516161', source: 'mpi' },
  );
});

test('mpirun on one host: MASTER_ADDR defaults to 127.0.0.1 and MASTER_PORT to 29500', () => {
  const pg = resolveProcessGroup({ OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '2', OMPI_COMM_WORLD_LOCAL_RANK: '1', OMPI_COMM_WORLD_LOCAL_SIZE: '2' });
  assert.equal(pg.masterAddr, '127.0.0.1');
  assert.equal(pg.masterPort, 29500);
  assert.equal(pg.runId, 'mpi');
});

test('mpirun across hosts without MASTER_ADDR, or with inconsistent ranks, is an error naming the variable', () => {
  const fails = (env: NodeJS.ProcessEnv, variable: string, message: RegExp): void => {
    assert.throws(() => resolveProcessGroup(env), (e: unknown) => e instanceof ProcessGroupEnvError && e.variable === variable && message.test(e.message));
  };
  fails(MPIRUN, 'MASTER_ADDR', /Open MPI/);
  fails({ ...MPIRUN, OMPI_COMM_WORLD_RANK: '4', MASTER_ADDR: 'h' }, 'OMPI_COMM_WORLD_RANK', /less than OMPI_COMM_WORLD_SIZE=4/);
  fails({ ...MPIRUN, OMPI_COMM_WORLD_LOCAL_RANK: '2', MASTER_ADDR: 'h' }, 'OMPI_COMM_WORLD_LOCAL_RANK', /less than OMPI_COMM_WORLD_LOCAL_SIZE=2/);
  fails({ OMPI_COMM_WORLD_RANK: '0', OMPI_COMM_WORLD_SIZE: '2' }, 'OMPI_COMM_WORLD_LOCAL_SIZE', /not set/);
});

test("Open MPI's variables win over the SLURM_* that mpirun inherits from a batch script", () => {
  const pg = resolveProcessGroup({ ...MPIRUN, MASTER_ADDR: 'node0', SLURM_PROCID: '0', SLURM_NTASKS: '4', SLURM_LOCALID: '0', SLURM_TASKS_PER_NODE: '2(x2)' });
  assert.equal(pg.rank, 3);
  assert.equal(pg.source, 'mpi');
});
