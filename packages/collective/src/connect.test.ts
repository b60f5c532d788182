// connect() in this process, with real sockets: the single-process path, option checks, taken
// ports, rendezvous deadlines, and a two-rank group that closes cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from '@rwp/process-group';
import { shmPrefixFor } from '@rwp/shm';
import { CollectiveError, connect, type Communicator } from './index.js';
import { ipcDirFor } from './transport/ipc-dir.js';

/** This run's names still in /dev/shm. */
function leftInShm(runId: string, port: number): string[] {
  return readdirSync('/dev/shm').filter((f) => f.startsWith(`${shmPrefixFor(runId, port)}-`));
}

function isCollectiveError(op: string, peer: number | null, message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof CollectiveError, String(e));
    assert.equal(e.op, op, e.message);
    assert.equal(e.peer, peer, e.message);
    assert.match(e.message, message);
    return true;
  };
}

test('world size 1: collectives leave data as is, without sockets', { timeout: 30_000 }, async () => {
  const comm = await connect({ rank: 0, worldSize: 1, masterAddr: '', masterPort: 0, runId: '' });
  const data = new Float32Array([1.5, -2, 3e-8]);
  await comm.allreduce(data);
  await comm.allreduce(data, 'mean');
  await comm.broadcast(data, 0);
  assert.deepEqual([...data], [1.5, -2, Math.fround(3e-8)]);
  assert.deepEqual(await comm.broadcastValue({ a: 1 }, 0), { a: 1 });
  assert.deepEqual(await comm.allgather('x'), ['x']);
  await comm.barrier();
  await assert.rejects(comm.broadcast(data, 1), RangeError);
  await comm.close();
  await assert.rejects(comm.barrier(), isCollectiveError('barrier', null, /closed/));
});

test('bad options are RangeErrors naming the option', { timeout: 30_000 }, async () => {
  const base = { rank: 0, worldSize: 2, masterAddr: '127.0.0.1', masterPort: 29500, runId: 'r' };
  await assert.rejects(connect({ ...base, rank: 2 }), /rank must be an integer from 0 to 1, got 2/);
  await assert.rejects(connect({ ...base, worldSize: 0 }), /worldSize/);
  await assert.rejects(connect({ ...base, masterPort: 65536 }), /masterPort/);
  await assert.rejects(connect({ ...base, runId: '' }), /runId/);
  await assert.rejects(connect({ ...base, chunkBytes: 6 }), /chunkBytes must be a multiple of 4/);
  await assert.rejects(connect({ ...base, timeoutMs: 0 }), /timeoutMs/);
  await assert.rejects(connect({ ...base, backend: 'nccl' }), /backend must be one of "ring", "mpi", got "nccl"/);
});

test('a taken MASTER_PORT is a clear error, not a hang', { timeout: 30_000 }, async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    await assert.rejects(
      connect({ rank: 0, worldSize: 2, masterAddr: '127.0.0.1', masterPort: port, runId: 'taken' }),
      isCollectiveError('rendezvous', null, new RegExp(`rank 0: rendezvous failed: port ${port} on 127.0.0.1 is already in use`)),
    );
  } finally {
    server.close();
  }
});

test('the rendezvous has a deadline on both sides, naming who is missing', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const opts = { masterAddr: '127.0.0.1', masterPort: port, runId: 'lonely', timeoutMs: 1000 };
  await assert.rejects(
    connect({ ...opts, rank: 1, worldSize: 2 }),
    isCollectiveError('rendezvous', 0, /timed out after 1000 ms waiting for rank 0 to answer at 127.0.0.1:\d+/),
  );
  await assert.rejects(
    connect({ ...opts, rank: 0, worldSize: 3 }),
    isCollectiveError('rendezvous', 1, /timed out after 1000 ms waiting for rank\(s\) 1, 2 to register at 127.0.0.1:\d+ \(run "lonely"\)/),
  );
  assert.deepEqual(leftInShm('lonely', port), [], 'a rank that gave up removed its shared-memory probe');
});

test('two ranks in one process: allreduce, close, and the ipc directory is gone', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const opts = { worldSize: 2, masterAddr: '127.0.0.1', masterPort: port, runId: 'in-process', timeoutMs: 20_000 };
  const comms: Communicator[] = await Promise.all([connect({ ...opts, rank: 0 }), connect({ ...opts, rank: 1 })]);
  try {
    assert.ok(existsSync(ipcDirFor('in-process', port)));
    const data = [new Float32Array([1, 2, 3]), new Float32Array([10, 20, 30])];
    await Promise.all(comms.map((c, r) => c.allreduce(data[r], 'mean')));
    assert.deepEqual([...data[0]], [5.5, 11, 16.5]);
    assert.deepEqual([...data[1]], [5.5, 11, 16.5]);
  } finally {
    await Promise.all(comms.map((c) => c.close()));
  }
  assert.ok(!existsSync(ipcDirFor('in-process', port)));
  assert.deepEqual(leftInShm('in-process', port), [], 'each rank removed its shared memory');
  await assert.rejects(comms[0].allreduce(new Float32Array(1)), isCollectiveError('allreduce', null, /closed/));
});

test('a MASTER_ADDR that does not resolve is said at once, and the rendezvous ends at its deadline naming it', { timeout: 30_000 }, async () => {
  const warnings: string[] = [];
  const port = await freePort();
  await assert.rejects(
    connect({ rank: 1, worldSize: 2, masterAddr: 'no-such-host.invalid', masterPort: port, runId: 'unresolvable', timeoutMs: 3000, onWarning: (m) => warnings.push(m) }),
    (e: Error) => {
      assert.match(e.message, /rank 1: rendezvous failed: cannot find a route to MASTER_ADDR no-such-host\.invalid/);
      return true;
    },
  );
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /^MASTER_ADDR no-such-host\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)\); retrying for up to [1-3] s/);
});
