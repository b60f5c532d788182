import assert from 'node:assert/strict';
import { test } from 'node:test';
import { removeRunRegions, sharedMemory, shmPrefixFor } from './index.js';

const shm = sharedMemory();

test("removeRunRegions removes a run's regions and leaves another run's", { skip: !shm }, () => {
  const run = `run-regions-${process.pid}`;
  const ours = [`/${shmPrefixFor(run, 1234)}-0-16`, `/${shmPrefixFor(run, 1234)}-1-probe`];
  const other = `/${shmPrefixFor(run, 1235)}-0-16`;
  for (const name of [...ours, other]) shm!.create(name, 64);
  try {
    assert.equal(removeRunRegions(run, 1234), 2);
    for (const name of ours) assert.throws(() => shm!.open(name, 64), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    assert.ok(shm!.open(other, 64));
  } finally {
    for (const name of [...ours, other]) shm!.unlink(name);
  }
});
