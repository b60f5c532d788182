import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHostList, expandTaskCounts } from './slurm-lists.js';

test('Slurm host lists expand in order, keeping zero padding', () => {
  assert.deepEqual(expandHostList('gpu[01-03,07],cpu5'), ['gpu01', 'gpu02', 'gpu03', 'gpu07', 'cpu5']);
  assert.deepEqual(expandHostList('node7'), ['node7']);
  assert.deepEqual(expandHostList('n[8-10]'), ['n8', 'n9', 'n10']);
  assert.deepEqual(expandHostList('rack[1-2]-n[01-02]'), ['rack1-n01', 'rack1-n02', 'rack2-n01', 'rack2-n02']);
  assert.deepEqual(expandHostList('a[1-2]-ib,b'), ['a1-ib', 'a2-ib', 'b']);
});

test('malformed host lists are errors', () => {
  for (const bad of ['gpu[01-03', 'gpu01]', 'gpu[3-1]', 'gpu[a-b]', 'a,,b', '']) {
    assert.throws(() => expandHostList(bad), Error, bad);
  }
});

test('task counts expand repeats', () => {
  assert.deepEqual(expandTaskCounts('4(x2),3'), [4, 4, 3]);
  assert.deepEqual(expandTaskCounts('2'), [2]);
  assert.throws(() => expandTaskCounts('4(x'), /bad task count/);
});
