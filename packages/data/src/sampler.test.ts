import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epochBatches } from './index.js';

const base = { count: 1003, batchSize: 16, seed: 7, epoch: 3, shuffle: true };

function allReplicas(replicas: number, over: Partial<typeof base> = {}): Int32Array[][] {
  return Array.from({ length: replicas }, (_, replica) => epochBatches({ ...base, ...over, replicas, replica }));
}

test('replicas get equal numbers of full batches of disjoint samples covering count minus the tail', () => {
  for (const replicas of [1, 2, 3, 4]) {
    const perReplica = allReplicas(replicas);
    const numBatches = Math.floor(base.count / (replicas * base.batchSize));
    const seen = new Set<number>();
    for (const batches of perReplica) {
      assert.equal(batches.length, numBatches);
      for (const b of batches) {
        assert.equal(b.length, base.batchSize);
        for (const i of b) {
          assert.ok(i >= 0 && i < base.count);
          assert.ok(!seen.has(i), `sample ${i} appears twice with ${replicas} replicas`);
          seen.add(i);
        }
      }
    }
    assert.equal(seen.size, numBatches * replicas * base.batchSize);
    assert.equal(base.count - seen.size, base.count % (replicas * base.batchSize));
  }
});

test('the order is deterministic per (seed, epoch) and changes with either', () => {
  assert.deepEqual(allReplicas(2), allReplicas(2));
  assert.notDeepEqual(allReplicas(2), allReplicas(2, { epoch: 4 }));
  assert.notDeepEqual(allReplicas(2), allReplicas(2, { seed: 8 }));
});

test('replica r takes every replicas-th sample of the epoch order starting at r', () => {
  const one = epochBatches({ ...base, replicas: 1, replica: 0, batchSize: 1 }).map((b) => b[0]);
  const [r0, r1] = allReplicas(2, { batchSize: 4 });
  assert.deepEqual(Array.from(r0[2]), [one[16], one[18], one[20], one[22]]);
  assert.deepEqual(Array.from(r1[2]), [one[17], one[19], one[21], one[23]]);
});

test('without shuffling the order is the identity', () => {
  const [r0, r1] = allReplicas(2, { shuffle: false, batchSize: 3 });
  assert.deepEqual(Array.from(r0[0]), [0, 2, 4]);
  assert.deepEqual(Array.from(r1[1]), [7, 9, 11]);
});

test('invalid arguments are range errors', () => {
  assert.throws(() => epochBatches({ ...base, replicas: 2, replica: 2 }), RangeError);
  assert.throws(() => epochBatches({ ...base, replicas: 0, replica: 0 }), RangeError);
  assert.throws(() => epochBatches({ ...base, replicas: 1, replica: 0, batchSize: 0 }), RangeError);
});

test('fewer samples than one batch per replica gives no batches', () => {
  assert.deepEqual(epochBatches({ ...base, count: 31, replicas: 2, replica: 1 }), []);
});
