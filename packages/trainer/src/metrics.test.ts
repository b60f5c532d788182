import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendMetrics, readMetrics, stepSplit, stragglerMessage, stragglers, truncateMetrics, type EpochMetrics } from './metrics.js';

const line = (epoch: number, step: number, step_ms: number, comm_ms: number, data_ms: number): EpochMetrics => ({
  epoch, step, lr: 0.1, train_loss: 1, train_acc: 0.5, test_loss: null, test_acc: null, epoch_seconds: 1, step_ms, comm_ms, data_ms, images_per_s: 1,
});

test('the ms/step split of a run weighs each epoch by its steps; compute is the rest of the step', () => {
  assert.deepEqual(stepSplit([line(1, 10, 100, 20, 10), line(2, 40, 60, 10, 2)]), { step_ms: 70, comm_ms: 12.5, data_ms: 4, compute_ms: 53.5 });
  assert.equal(stepSplit([]), null);
});

test('metrics.jsonl reads back without a torn last line, and a resume drops the epochs after the checkpoint', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-metrics-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(readMetrics(dir), []);
  for (const m of [line(1, 10, 100, 20, 10), line(2, 20, 60, 10, 2), line(3, 30, 60, 10, 2)]) appendMetrics(dir, m);
  appendFileSync(join(dir, 'metrics.jsonl'), '{"epoch": 4, "st');
  assert.deepEqual(readMetrics(dir).map((m) => m.epoch), [1, 2, 3]);
  truncateMetrics(dir, 2);
  assert.deepEqual(readMetrics(dir), [line(1, 10, 100, 20, 10), line(2, 20, 60, 10, 2)]);
});

test('a rank more than 20% slower than the median rank is a straggler; 20% itself is not', () => {
  assert.deepEqual(stragglers([100, 104, 96, 150]), [{ rank: 3, ms: 150, median: 102 }]);
  assert.deepEqual(stragglers([100, 120, 100]), []);
  assert.deepEqual(stragglers([100, 121, 100]).map((s) => s.rank), [1]);
  // Two ranks: the median is their mean, so the slower must take over 1.5 times the other's time.
  assert.deepEqual(stragglers([100, 150]), []);
  assert.deepEqual(stragglers([100, 160]).map((s) => s.rank), [1]);
  assert.deepEqual(stragglers([80]), []);
  assert.equal(stragglerMessage(3, { rank: 3, ms: 150, median: 102 }), 'straggler: rank 3 computed 150.0 ms/step in epoch 3, 47% slower than the median rank (102.0 ms)');
});
