// broadcast (tensor and value), allgather and barrier across real processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Group } from './testing/group.js';

const LENGTHS = [0, 1, 7, 1_000_003];

async function runCollectives(worldSize: number, transport: 'ipc' | 'tcp'): Promise<void> {
  const group = await Group.start({ worldSize, scenario: 'collectives', transport, env: { RWP_TEST_LENGTHS: LENGTHS.join(',') } });
  try {
    for (let r = 0; r < worldSize; r++) {
      const p = group.proc(r);
      assert.deepEqual(await p.exit, { code: 0, signal: null }, `rank ${r}: ${p.stderr}${JSON.stringify(p.events)}`);
      const result = p.event('result')!;
      assert.deepEqual(result.bcast, Object.fromEntries(LENGTHS.map((n) => [String(n), true])), `rank ${r}: broadcast from rank ${worldSize - 1}`);
      assert.deepEqual(result.value, { lr: 0.1, tags: ['a', 'b'], hash: 'f00d' });
      assert.deepEqual(
        result.gathered,
        [...Array(worldSize).keys()].map((k) => ({ rank: k, loss: k * 0.5 })),
      );
    }
  } finally {
    await group.stop();
  }
}

test('broadcast from the last rank, broadcastValue from rank 1, allgather, barrier: 4 ranks, ipc', { timeout: 120_000 }, () =>
  runCollectives(4, 'ipc'),
);

test('the same with 2 ranks over tcp', { timeout: 120_000 }, () => runCollectives(2, 'tcp'));

test('the same with 3 ranks over ipc', { timeout: 120_000 }, () => runCollectives(3, 'ipc'));
