import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Fault } from '../base/fault.js';
import { blameOf } from './fault-policy.js';

const waits = (origin: number, peer: number | null): Fault => ({ origin, peer, detail: `timed out waiting for rank ${peer}`, waiting: true });

test('blameOf follows the waits to the rank that did not time out itself', () => {
  // Ring 0 <- 3 <- 2 <- 1 (stalled): each rank waits on its left neighbour.
  const f = blameOf([waits(0, 3), waits(3, 2), waits(2, 1)]);
  assert.equal(f.peer, 1);
  assert.equal(f.origin, 2);
  assert.equal(f.detail, 'timed out waiting for rank 1 (rank 0 waited on rank 3, rank 3 waited on rank 2, rank 2 on rank 1)');
});

test('blameOf keeps a lone timeout as it is, and the first one when the waits go round', () => {
  assert.deepEqual(blameOf([waits(2, 1)]), waits(2, 1));
  assert.deepEqual(blameOf([waits(0, 1), waits(1, 0)]), waits(0, 1));
  assert.deepEqual(blameOf([waits(1, null), waits(0, 1)]), waits(1, null));
});

test('blameOf says how many collectives the blamed rank is behind, from the last op its neighbour saw it in', () => {
  const at = (origin: number, peer: number, seq: number, peerSeq?: number): Fault => ({ ...waits(origin, peer), seq, peerSeq });
  // Rank 1 never joined op #4: rank 2 last saw it in op #3; rank 0 saw rank 2 in op #4.
  const f = blameOf([at(0, 2, 4, 4), at(2, 1, 4, 3)]);
  assert.equal(f.peer, 1);
  assert.equal(f.detail, 'timed out waiting for rank 1 (rank 0 waited on rank 2, rank 2 on rank 1); rank 1 is 1 collective behind: its last frames were of op #3, the others wait in op #4');
  assert.match(blameOf([at(2, 1, 9, 6)]).detail, /rank 1 is 3 collectives behind: its last frames were of op #6, the others wait in op #9$/);
  assert.match(blameOf([at(2, 1, 4, 4)]).detail, /; rank 1 is in op #4 like the others but stopped sending$/);
  // Unknown (it waited on its right neighbour, or nothing came yet): nothing is claimed.
  assert.equal(blameOf([at(2, 1, 4)]).detail, 'timed out waiting for rank 1');
});
