import { DEFAULT_MASTER_PORT, type Identity } from '../process-group.js';
import { checkBelow, readPort, readString, requireInt } from './env-values.js';
import { masterAddrFor } from './master-addr.js';
import { WORKER_ENV } from './names.js';

/** Set by Open MPI's mpirun (and by srun --mpi=pmix into Open MPI programs) for every process. */
export const OPEN_MPI_RANK = 'OMPI_COMM_WORLD_RANK';

/**
 * Identity under Open MPI's mpirun: ranks from OMPI_COMM_WORLD_*. mpirun says nothing about where
 * rank 0 runs, so MASTER_ADDR is needed across hosts (as torchrun users set it, e.g. `-x
 * MASTER_ADDR=node0`); when every rank is on one host it defaults to 127.0.0.1.
 */
export function resolveOpenMpi(env: NodeJS.ProcessEnv): Identity {
  const worldSize = requireInt(env, 'OMPI_COMM_WORLD_SIZE', 1, `${OPEN_MPI_RANK} is set, so mpirun should set OMPI_COMM_WORLD_SIZE`);
  const rank = requireInt(env, OPEN_MPI_RANK, 0, 'mpirun');
  checkBelow(OPEN_MPI_RANK, rank, 'OMPI_COMM_WORLD_SIZE', worldSize);
  const localWorldSize = requireInt(env, 'OMPI_COMM_WORLD_LOCAL_SIZE', 1, `${OPEN_MPI_RANK} is set, so mpirun should set OMPI_COMM_WORLD_LOCAL_SIZE`);
  const localRank = requireInt(env, 'OMPI_COMM_WORLD_LOCAL_RANK', 0, `${OPEN_MPI_RANK} is set, so mpirun should set OMPI_COMM_WORLD_LOCAL_RANK`);
  const oneHost = localWorldSize === worldSize;
  const jobId = readString(env, 'OMPI_MCA_ess_base_jobid');
  return {
    rank,
    worldSize,
    localRank,
    localWorldSize,
    // mpirun places ranks node by node by default (OMPI_COMM_WORLD_NODE_RANK is a rank within the node, not the node).
    nodeRank: Math.floor(rank / localWorldSize),
    masterAddr: masterAddrFor(env, oneHost ? 1 : worldSize, 'Open MPI (ranks on several hosts)'),
    masterPort: readPort(env, WORKER_ENV.masterPort) ?? DEFAULT_MASTER_PORT,
    runId: readString(env, WORKER_ENV.runId) ?? (jobId === undefined ? 'mpi' : `mpi-${jobId}`),
    source: 'mpi',
  };
}
