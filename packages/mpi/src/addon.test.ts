import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingAddonMessage, mpi, mpiMissing } from './index.js';

test('the message for a missing addon names the Debian packages and the build command', () => {
  for (const message of [missingAddonMessage('/nowhere/rwp_mpi.node', null), missingAddonMessage('/x.node', 'libmpi.so.40: cannot open shared object file')]) {
    assert.match(message, /apt-get install openmpi-bin libopenmpi-dev/);
    assert.match(message, /npm run build:native -w @rwp\/mpi/);
  }
  assert.match(missingAddonMessage('/nowhere/rwp_mpi.node', null), /is not built \(\/nowhere\/rwp_mpi\.node\)/);
  assert.match(missingAddonMessage('/x.node', 'libmpi.so.40: cannot open'), /does not load \(libmpi\.so\.40: cannot open\)/);
});

test('mpi() is the addon, or null with mpiMissing() saying what to install', () => {
  const api = mpi();
  if (api === null) {
    assert.match(mpiMissing(), /openmpi-bin libopenmpi-dev/);
    return;
  }
  assert.equal(mpiMissing(), '');
  // Before init (never called here: outside mpirun it would make a world of one), nothing runs.
  assert.equal(api.finalize(), false);
  assert.throws(() => api.allreduce(new Float32Array(1), false), /MPI is not running in this process/);
  assert.throws(() => api.broadcast(new Float32Array(1), 0), /MPI is not running in this process/);
});
