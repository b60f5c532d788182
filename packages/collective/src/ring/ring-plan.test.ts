import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allreduceRecvSegment, chunksOf, mod, segmentChunks, segmentStart } from './ring-plan.js';

test('segments and chunks cover the buffer exactly once, in order', () => {
  for (const n of [1, 2, 3, 5, 8]) {
    for (const length of [0, 1, 7, 100, 1001]) {
      for (const chunk of [1, 3, 64]) {
        const all = segmentChunks(length, n, chunk).flat();
        let next = 0;
        for (const c of all) {
          assert.equal(c.offset, next);
          assert.ok(c.count > 0 && c.count <= chunk);
          next += c.count;
        }
        assert.equal(next, length);
      }
    }
  }
  assert.deepEqual(chunksOf(3, 3, 4), []);
  assert.equal(segmentStart(10, 3, 3), 10);
});

/**
 * Plays the schedule symbolically: each message carries the set of ranks summed into it. Each
 * rank's receive must be what its left neighbour sends, every partial sum must add each rank
 * once, each segment must be finished by exactly one rank, and every rank must end with all of them.
 */
test('the ring allreduce schedule reduces each segment once over all ranks and gives it to everyone', () => {
  for (const n of [2, 3, 4, 5, 8]) {
    const steps = 2 * (n - 1);
    const sent = (r: number, step: number) => (step === 0 ? r : allreduceRecvSegment(r, n, step - 1));
    // What each rank holds per segment: the set of ranks summed in, or 'final'.
    const held = [...Array(n).keys()].map((r) => [...Array(n).keys()].map((s) => (s === r ? new Set([r]) : null)) as Array<Set<number> | 'final' | null>);
    const finishers = new Map<number, number>();
    let inFlight = [...Array(n).keys()].map((r) => ({ seg: r, sum: new Set([r]) as Set<number> | 'final' }));
    for (let step = 0; step < steps; step++) {
      const next: typeof inFlight = [];
      for (let r = 0; r < n; r++) {
        const msg = inFlight[mod(r - 1, n)];
        const seg = allreduceRecvSegment(r, n, step);
        assert.equal(msg.seg, seg, `${n} ranks, step ${step}: rank ${r} expects segment ${seg}, its left sends ${msg.seg}`);
        assert.equal(sent(mod(r - 1, n), step), seg);
        let out: Set<number> | 'final';
        if (step < n - 1) {
          assert.ok(msg.sum !== 'final' && !msg.sum.has(r), `rank ${r} would add itself twice to segment ${seg}`);
          out = new Set([...msg.sum, r]);
          if (step === n - 2) {
            assert.equal(out.size, n);
            assert.ok(!finishers.has(seg), `segment ${seg} finished twice`);
            finishers.set(seg, r);
            out = 'final';
          }
        } else {
          assert.equal(msg.sum, 'final', `allgather step ${step} carries an unfinished segment`);
          out = 'final';
        }
        held[r][seg] = out;
        next.push({ seg, sum: out });
      }
      inFlight = next;
    }
    assert.equal(finishers.size, n);
    for (let r = 0; r < n; r++) assert.deepEqual(held[r], Array(n).fill('final'), `rank ${r} of ${n}`);
  }
});
