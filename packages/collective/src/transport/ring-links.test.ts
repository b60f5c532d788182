// Ring links of a group of 2 in this process: falling back from an unreachable ipc:// address to
// tcp://, turning away strangers, and noticing when a neighbour goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { freePort, runIdHash } from '@rwp/process-group';
import { encodeHeader, FrameKind } from './frame.js';
import type { LinkIdentity } from './link-identity.js';
import { RingLinks } from './ring-links.js';

function ids(runId: string): [LinkIdentity, LinkIdentity] {
  const runHash = runIdHash(runId);
  return [
    { rank: 0, worldSize: 2, left: 1, right: 1, runId, runHash },
    { rank: 1, worldSize: 2, left: 0, right: 0, runId, runHash },
  ];
}

test('links fall back to tcp when the ipc address is unreachable, and turn strangers away', { timeout: 30_000 }, async () => {
  const lost: string[] = [];
  const strangers: string[] = [];
  const badFrames: Error[] = [];
  const [id0, id1] = ids('links-test');
  const links = [id0, id1].map(
    (id) =>
      new RingLinks(
        id,
        null,
        (peer, why) => lost.push(`${id.rank} lost ${peer}: ${why}`),
        (why) => strangers.push(why),
        (e) => badFrames.push(e),
      ),
  );
  try {
    const addr = await Promise.all(links.map((l) => l.listen(null, '127.0.0.1', null)));
    // Strangers first: one speaking another run's link frame, one speaking HTTP.
    const other = ids('another-run')[1];
    for (const hello of [encodeHeader({ runHash: other.runHash, seq: 0, kind: FrameKind.Link, sender: 1, step: 0, total: 2, offset: 0, count: 0 }), Buffer.from('GET / HTTP/1.1\r\nHost: rank-0.example\r\n\r\n')]) {
      const s = connect(Number(addr[0].tcp.split(':').pop()), '127.0.0.1');
      s.on('error', () => undefined);
      s.write(hello);
      await new Promise((resolve) => s.once('close', resolve));
    }
    assert.equal(strangers.length, 2);
    assert.match(strangers[0], /frame from another run/);
    assert.match(strangers[1], /not an rwp frame/);

    const linked = [
      links[0].connectLeft(['ipc:///nonexistent/rwp-test.sock', addr[1].tcp]),
      links[1].connectLeft([addr[0].tcp]),
    ];
    const writers = await Promise.all(links.map((l) => l.waitRight()));
    await Promise.all(linked);
    assert.equal(writers.length, 2);
    assert.deepEqual(lost, []);
    assert.deepEqual(badFrames, []);

    links[1].close();
    while (lost.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.match(lost.sort().join('\n'), /0 lost 1: the link from rank 1 at tcp:\/\/127\.0\.0\.1:\d+ closed\n0 lost 1: the link to rank 1 closed/);
  } finally {
    for (const l of links) l.close();
  }
});

test('with data ports, each rank listens within the range and says so when it is full', { timeout: 30_000 }, async () => {
  const first = await freePort();
  const ports = { first, last: first + 1 };
  const links = [0, 1, 2].map((rank) => new RingLinks({ ...ids('ports-test')[0], rank, worldSize: 3 }, null, () => undefined, () => undefined, () => undefined));
  try {
    const bound: number[] = [];
    for (const l of links.slice(0, 2)) bound.push(Number((await l.listen(null, '127.0.0.1', ports)).tcp.split(':').pop()));
    assert.deepEqual(bound.sort(), [first, first + 1]);
    await assert.rejects(links[2].listen(null, '127.0.0.1', ports), new RegExp(`rank 2 found no free port for its ring input on 127.0.0.1 in the data ports ${first}-${first + 1} \\(all 2 are taken\\)`));
  } finally {
    for (const l of links) l.close();
  }
});
