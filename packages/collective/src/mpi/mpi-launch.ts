// What dist.backend: mpi needs before and after MPI_Init: Open MPI's addon, and a world that
// mpirun started with rwp's ranks. Outside mpirun, MPI_Init would make each process a world of
// its own (or wait for peers that never come): each rank fails at once instead, naming itself.
import { mpi, mpiMissing, type Mpi, type MpiWorld } from '@rwp/mpi';
import { CollectiveError } from '../base/errors.js';

const WHAT = 'the mpi collective backend (dist.backend: mpi)';

/** Open MPI's collectives for rank `rank` of `worldSize`, checked before any rendezvous; throws a CollectiveError saying why not. */
export function mpiForLaunch(rank: number, worldSize: number, env: NodeJS.ProcessEnv = process.env): Mpi {
  const fail = (detail: string) => new CollectiveError('connect', rank, null, detail);
  const api = mpi();
  if (api === null) throw fail(`${WHAT} is unavailable: ${mpiMissing()}`);
  const mpiSize = env.OMPI_COMM_WORLD_SIZE;
  if (mpiSize === undefined) {
    throw fail(`${WHAT} needs the workers started by Open MPI's mpirun (mpirun -np ${worldSize} rwp-train ...), but this process has no OMPI_COMM_WORLD_SIZE; use dist.backend: ring under other launchers`);
  }
  if (Number(mpiSize) !== worldSize) {
    throw fail(`${WHAT}: mpirun started ${mpiSize} processes (OMPI_COMM_WORLD_SIZE) but the group has ${worldSize} ranks`);
  }
  return api;
}

/** Throws unless MPI_COMM_WORLD (after MPI_Init) is rwp's group, rank for rank. */
export function checkMpiWorld(world: MpiWorld, rank: number, worldSize: number): void {
  if (world.size !== worldSize || world.rank !== rank) {
    throw new CollectiveError('connect', rank, null, `${WHAT}: MPI_COMM_WORLD has this process as rank ${world.rank} of ${world.size}, but the group as rank ${rank} of ${worldSize}; start every worker with one mpirun and let it set the ranks`);
  }
}
