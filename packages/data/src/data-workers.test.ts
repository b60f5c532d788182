import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDataWorkers } from './data-workers.js';

test('decode workers by default: the host shared among its ranks, one core each left to the rank, at least one', () => {
  assert.equal(defaultDataWorkers(1, 2), 1);
  assert.equal(defaultDataWorkers(1, 16), 15);
  assert.equal(defaultDataWorkers(8, 16), 1);
  assert.equal(defaultDataWorkers(4, 32), 7);
  assert.equal(defaultDataWorkers(4, 2), 1);
});
