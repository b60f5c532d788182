// The job token in this process, with real sockets: the rendezvous and the ring's listeners refuse
// a process with the wrong token or none, naming its address, and the group still forms and runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { freePort, newNonce, runIdHash } from '@rwp/process-group';
import { CollectiveError, connect, type Communicator } from './index.js';
import { encodeHeader, FrameKind } from './transport/frame.js';
import { authFrame } from './transport/link-auth.js';
import { linkHeader, type LinkIdentity } from './transport/link-identity.js';
import { RingLinks } from './transport/ring-links.js';

function refused(message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof CollectiveError, String(e));
    assert.equal(e.op, 'rendezvous');
    assert.match(e.message, message);
    return true;
  };
}

for (const transport of ['tcp', 'ipc'] as const) {
  test(`rendezvous: a wrong token and none are refused and logged with the address; the group runs (${transport})`, { timeout: 30_000 }, async () => {
    const port = await freePort();
    const warnings: string[] = [];
    const opts = { worldSize: 2, masterAddr: '127.0.0.1', masterPort: port, runId: `token-${transport}`, transport, timeoutMs: 20_000 };
    const root = connect({ ...opts, rank: 0, jobToken: 'right', onWarning: (m) => warnings.push(m) });
    await assert.rejects(
      connect({ ...opts, rank: 1, jobToken: 'wrong' }),
      refused(/cannot join the group at 127\.0\.0\.1:\d+: the process there did not prove this job token: RWP_JOB_TOKEN differs/),
    );
    await assert.rejects(
      connect({ ...opts, rank: 1, jobToken: null }),
      refused(/rank 0 refused this process: it sent a control message without proving the job token/),
    );
    const comms: Communicator[] = await Promise.all([root, connect({ ...opts, rank: 1, jobToken: 'right' })]);
    try {
      const data = [new Float32Array([1, 2, 3]), new Float32Array([10, 20, 30])];
      await Promise.all(comms.map((c, r) => c.allreduce(data[r], 'sum')));
      assert.deepEqual([...data[1]], [11, 22, 33]);
    } finally {
      await Promise.all(comms.map((c) => c.close()));
    }
    const refusals = warnings.filter((w) => w.includes('refused a connection from 127.0.0.1'));
    assert.equal(refusals.length, 2, warnings.join('\n'));
    assert.match(refusals[0], /it does not hold the job token \(RWP_JOB_TOKEN differs\)/);
    assert.match(refusals[1], /without proving the job token/);
  });
}

test('a token-less rank 0 refuses a rank that proves one, and such a rank says so', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const warnings: string[] = [];
  const opts = { worldSize: 2, masterAddr: '127.0.0.1', masterPort: port, runId: 'token-mismatch', timeoutMs: 2000 };
  const root = connect({ ...opts, rank: 0, jobToken: null, onWarning: (m) => warnings.push(m) });
  await assert.rejects(connect({ ...opts, rank: 1, jobToken: 'mine' }), refused(/rank 0 refused this process: it proves a job token but this group has none/));
  await assert.rejects(root, refused(/timed out .* refused: a connection from 127\.0\.0\.1/));
  assert.equal(warnings.length, 1, warnings.join('\n'));
});

function ids(): [LinkIdentity, LinkIdentity] {
  const runId = 'ring-token';
  const runHash = runIdHash(runId);
  return [
    { rank: 0, worldSize: 2, left: 1, right: 1, runId, runHash },
    { rank: 1, worldSize: 2, left: 0, right: 0, runId, runHash },
  ];
}

/** Connects to a listener as rank 1 would, speaking `first`, and waits for it to hang up. */
async function intrude(port: number, first: Buffer, proof?: (theirs: Buffer) => Buffer): Promise<void> {
  const s = netConnect(port, '127.0.0.1');
  s.on('error', () => undefined);
  s.write(first);
  if (proof) s.once('data', (d: Buffer) => s.write(proof(d)));
  await new Promise((resolve) => s.once('close', resolve));
}

test('ring listeners turn away a connection with a wrong token or none, naming its address', { timeout: 30_000 }, async () => {
  const strangers: string[] = [];
  const [id0, id1] = ids();
  const lost: string[] = [];
  const links = [new RingLinks(id0, 'right', (_p, why) => lost.push(why), (why) => strangers.push(why), () => undefined), new RingLinks(id1, 'right', (_p, why) => lost.push(why), () => undefined, () => undefined)];
  try {
    const addr = await Promise.all(links.map((l) => l.listen(null, '127.0.0.1', null)));
    const port = Number(addr[0].tcp.split(':').pop());
    // No token: rank 1's plain link frame.
    await intrude(port, encodeHeader(linkHeader(id1, 1)));
    // A wrong token: the challenge, then a proof made with another key (random bytes), and the link frame.
    await intrude(port, authFrame(id1, FrameKind.Challenge, newNonce()), () => Buffer.concat([authFrame(id1, FrameKind.Proof, newNonce()), encodeHeader(linkHeader(id1, 1))]));
    assert.equal(strangers.length, 2, strangers.join('\n'));
    assert.match(strangers[0], /turned away a connection from 127\.0\.0\.1:\d+: it sent no job-token challenge \(is RWP_JOB_TOKEN unset there\?\)/);
    assert.match(strangers[1], /turned away a connection from 127\.0\.0\.1:\d+: it does not hold the job token \(RWP_JOB_TOKEN differs\)/);
    const linked = [links[0].connectLeft([addr[1].tcp]), links[1].connectLeft([addr[0].tcp])];
    await Promise.all(links.map((l) => l.waitRight()));
    await Promise.all(linked);
    assert.deepEqual(lost, []);
  } finally {
    for (const l of links) l.close();
  }
});

test('a rank whose left neighbour holds another token fails naming it', { timeout: 30_000 }, async () => {
  const [id0, id1] = ids();
  const links = [new RingLinks(id0, 'one', () => undefined, () => undefined, () => undefined), new RingLinks(id1, 'two', () => undefined, () => undefined, () => undefined)];
  try {
    const addr = await Promise.all(links.map((l) => l.listen(null, '127.0.0.1', null)));
    await assert.rejects(links[1].connectLeft([addr[0].tcp]), /the ring listener at tcp:\/\/127\.0\.0\.1:\d+ does not hold this job token \(RWP_JOB_TOKEN differs\), so it is not rank 0 of this job/);
  } finally {
    for (const l of links) l.close();
  }
});
