import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mpi } from '@rwp/mpi';
import { checkMpiWorld, mpiForLaunch } from './mpi-launch.js';

test("MPI_COMM_WORLD other than the group's: an error naming both ranks and sizes", () => {
  assert.doesNotThrow(() => checkMpiWorld({ rank: 1, size: 2 }, 1, 2));
  assert.throws(() => checkMpiWorld({ rank: 0, size: 1 }, 1, 2), /^CollectiveError: rank 1: connect failed: .*MPI_COMM_WORLD has this process as rank 0 of 1, but the group as rank 1 of 2/);
});

test('the mpi backend outside mpirun, or under an mpirun of another size: an error before any rendezvous', { skip: mpi() === null && 'the @rwp/mpi addon is not built' }, () => {
  assert.throws(() => mpiForLaunch(1, 2, {}), /rank 1: .*needs the workers started by Open MPI's mpirun .*no OMPI_COMM_WORLD_SIZE/);
  assert.throws(() => mpiForLaunch(0, 2, { OMPI_COMM_WORLD_SIZE: '4' }), /mpirun started 4 processes \(OMPI_COMM_WORLD_SIZE\) but the group has 2 ranks/);
  assert.equal(mpiForLaunch(0, 2, { OMPI_COMM_WORLD_SIZE: '2' }), mpi());
});
