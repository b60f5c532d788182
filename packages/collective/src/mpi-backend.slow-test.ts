// The mpi backend (Open MPI's MPI_Allreduce and MPI_Bcast) under a real mpirun: the same bits on
// every rank, the ring's bits on 2 ranks, nothing printed beside the ranks' output, a clear error
// at once where mpirun did not start the ranks, and the deadline over a call stuck in Open MPI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResults } from './testing/allreduce-results.js';
import { Group } from './testing/group.js';
import { cannotRunMpi, mpirunGroup, type MpiRun } from './testing/mpirun.js';

const LENGTHS = [0, 1, 7, 1_000_003];
const skip = cannotRunMpi();
const LONG = { timeout: 180_000, skip };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rwp-mpi-test-'));
}

function assertSucceeded(run: MpiRun): void {
  assert.deepEqual(run.exit, { code: 0, signal: null }, `mpirun failed:\n${run.other}\n${JSON.stringify(run.events)}`);
  // Open MPI's own warnings would land on a user's terminal.
  assert.equal(run.other, '', 'mpirun printed more than the ranks\' events');
}

/** The allreduce scenario's result files: name -> bytes. */
function results(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
}

for (const np of [2, 3]) {
  test(`allreduce sum and mean through MPI_Allreduce, mpirun -np ${np}: the same bits on every rank, within a float32 sum's rounding`, LONG, async () => {
    const dir = tempDir();
    try {
      const run = await mpirunGroup(np, 'allreduce', { RWP_TEST_OUT: dir, RWP_TEST_LENGTHS: LENGTHS.join(',') });
      assertSucceeded(run);
      for (let r = 0; r < np; r++) assert.equal(run.events[r].at(-1)?.event, 'done', `rank ${r}: ${JSON.stringify(run.events[r])}`);
      checkResults(dir, np, LENGTHS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("2 ranks: the mpi backend's sums and means are the ring's, bitwise (a sum of two has one order)", LONG, async () => {
  const [mpiDir, ringDir] = [tempDir(), tempDir()];
  const env = { RWP_TEST_LENGTHS: LENGTHS.join(',') };
  try {
    assertSucceeded(await mpirunGroup(2, 'allreduce', { ...env, RWP_TEST_OUT: mpiDir }));
    const group = await Group.start({ worldSize: 2, scenario: 'allreduce', env: { ...env, RWP_TEST_OUT: ringDir } });
    try {
      for (const [rank, exit] of await group.exits()) assert.deepEqual(exit, { code: 0, signal: null }, `ring rank ${rank}: ${group.proc(rank).stderr}`);
    } finally {
      await group.stop();
    }
    const ring = results(ringDir);
    const mpi = results(mpiDir);
    assert.equal(mpi.size, ring.size);
    for (const [name, bytes] of ring) assert.ok(mpi.get(name)?.equals(bytes), `${name}: MPI_Allreduce differs from the ring`);
  } finally {
    rmSync(mpiDir, { recursive: true, force: true });
    rmSync(ringDir, { recursive: true, force: true });
  }
});

test('broadcast through MPI_Bcast from the last rank, with broadcastValue, allgather and barrier over the control plane, mpirun -np 3', LONG, async () => {
  const run = await mpirunGroup(3, 'collectives', { RWP_TEST_LENGTHS: LENGTHS.join(',') });
  assertSucceeded(run);
  for (let r = 0; r < 3; r++) {
    const result = run.events[r].find((e) => e.event === 'result');
    assert.deepEqual(result?.bcast, Object.fromEntries(LENGTHS.map((n) => [String(n), true])), `rank ${r}: broadcast from rank 2`);
    assert.deepEqual(result?.gathered, [0, 1, 2].map((k) => ({ rank: k, loss: k * 0.5 })));
  }
});

test('backend mpi on 2 ranks not started by mpirun: each rank fails at once, naming itself and mpirun', { timeout: 60_000, skip }, async () => {
  const group = await Group.start({ worldSize: 2, scenario: 'allreduce', env: { RWP_TEST_BACKEND: 'mpi', RWP_TEST_LENGTHS: '1' } });
  try {
    for (const [rank, exit] of await group.exits()) {
      assert.deepEqual(exit, { code: 3, signal: null }, `rank ${rank}: ${group.proc(rank).stderr}`);
      const error = group.proc(rank).event('error');
      assert.match(String(error?.message), new RegExp(`^rank ${rank}: connect failed: the mpi collective backend \\(dist\\.backend: mpi\\) needs the workers started by Open MPI's mpirun`));
    }
  } finally {
    await group.stop();
  }
});

test('mpirun -np 1 under a group of 2 (RANK and WORLD_SIZE set by hand): the rank fails at once, naming both sizes', { timeout: 60_000, skip }, async () => {
  const run = await mpirunGroup(1, 'allreduce', { RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', RWP_TEST_LENGTHS: '1' });
  assert.notEqual(run.exit.code, 0);
  assert.match(String(run.events[0].find((e) => e.event === 'error')?.message), /mpirun started 1 processes \(OMPI_COMM_WORLD_SIZE\) but the group has 2 ranks/);
});

test('a rank that stays away from an MPI_Allreduce: the deadline fails the waiting rank, naming MPI_Allreduce; mpirun ends the job non-zero', LONG, async () => {
  const run = await mpirunGroup(2, 'stall', { RWP_TEST_STALL_RANK: '1', RWP_TEST_STALL_MS: '6000', RWP_COMM_TIMEOUT_MS: '2000' });
  assert.notEqual(run.exit.code, 0);
  const error = run.events[0].find((e) => e.event === 'error');
  assert.match(String(error?.message), /^rank 0: allreduce failed: timed out after 2000 ms waiting for op #4 in MPI_Allreduce/);
  assert.match(run.other, /mpirun detected that one or more processes exited with non-zero status/);
});
