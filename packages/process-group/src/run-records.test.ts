import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationText } from './run-records.js';

test('durations read as seconds, minutes or hours; no estimate is "?"', () => {
  assert.equal(durationText(0.4), '0s');
  assert.equal(durationText(42), '42s');
  assert.equal(durationText(675), '11m15s');
  assert.equal(durationText(3900), '1h05m');
  assert.equal(durationText(null), '?');
  assert.equal(durationText(Infinity), '?');
});
