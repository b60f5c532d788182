import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean, median, percentile, std, sum } from './stats.js';

test('percentile interpolates between order statistics, whatever the input order', () => {
  const xs = [4, 1, 3, 2];
  assert.equal(percentile(xs, 0), 1);
  assert.equal(percentile(xs, 100), 4);
  assert.ok(Math.abs(percentile(xs, 10) - 1.3) < 1e-12);
  assert.equal(percentile(xs, 50), 2.5);
  assert.ok(Math.abs(percentile(xs, 90) - 3.7) < 1e-12);
  assert.deepEqual(xs, [4, 1, 3, 2], 'the input is not reordered');
});

test('median of odd and even counts; one value is its own percentile', () => {
  assert.equal(median([5, 1, 9]), 5);
  assert.equal(median([10, 20]), 15);
  assert.equal(percentile([7], 90), 7);
});

test('statistics of nothing are NaN; a percentile outside 0-100 is an error', () => {
  assert.ok(Number.isNaN(median([])));
  assert.ok(Number.isNaN(mean([])));
  assert.throws(() => percentile([1], 101), /between 0 and 100/);
  assert.throws(() => percentile([1], -1), /between 0 and 100/);
});

test('mean and sample standard deviation on fixed values', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(mean(xs), 5);
  assert.equal(sum(xs), 40);
  assert.ok(Math.abs(std(xs) - Math.sqrt(32 / 7)) < 1e-12);
  assert.ok(Math.abs(std([0.9, 0.91, 0.92]) - 0.01) < 1e-12);
  assert.ok(Number.isNaN(std([0.9])), 'one seed has no spread');
});
