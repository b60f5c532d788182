import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanCurves, runCurve } from './curves.js';
import type { MetricsLine, RunRecord, RunSummary } from './run-files.js';

function run(method: string, worldSize: number, lines: Array<Partial<MetricsLine>>): RunRecord {
  const metrics = lines.map((l, i) => ({
    epoch: i + 1, step: 0, lr: 0.1, train_loss: 1, train_acc: 0.5, test_loss: 0.5, test_acc: 0.8, epoch_seconds: 10, step_ms: 1, comm_ms: 0, data_ms: 0, images_per_s: 1, ...l,
  }));
  const summary = { method: { name: method, perturbed_ranks: null }, world_size: worldSize } as unknown as RunSummary;
  return { dir: `/runs/${method}`, metrics, summary };
}

test('RWP on 2 ranks makes two data passes per SGD-equivalent epoch', () => {
  const c = runCurve(run('rwp', 2, [{ step: 50 }, { step: 100 }, { step: 150 }, { step: 200 }]), 'rwp');
  assert.deepEqual(c.map((p) => p.epoch), [0.5, 1, 1.5, 2]);
  assert.deepEqual(c.map((p) => p.seconds), [10, 20, 30, 40], 'seconds add up the passes');
  const s = runCurve(run('sgd', 1, [{ step: 100 }, { step: 200 }]), 'sgd');
  assert.deepEqual(s.map((p) => p.epoch), [1, 2]);
});

test("SGD at twice the batch: the steps of the benchmark's SGD epoch place its passes", () => {
  const c = runCurve(run('sgd', 1, [{ step: 50 }, { step: 100 }]), 'sgd, batch 256', 100);
  assert.deepEqual(c.map((p) => p.epoch), [0.5, 1]);
});

test('a partial pass lands where its steps put it', () => {
  const c = runCurve(run('sgd', 1, [{ step: 100 }, { step: 130, partial: true }]), 'sgd');
  assert.deepEqual(c.map((p) => p.epoch), [1, 1.3]);
});

test('means over seeds, with the min-max band, and only the passes every run reached', () => {
  const a = runCurve(run('sam', 1, [{ step: 10, test_acc: 0.7 }, { step: 20, test_acc: 0.8 }]), 'sam');
  const b = runCurve(run('sam', 1, [{ step: 10, test_acc: 0.9, epoch_seconds: 20 }]), 'sam');
  const m = meanCurves([a, b]);
  assert.equal(m.length, 1);
  assert.ok(Math.abs(m[0].test_acc! - 0.8) < 1e-12);
  assert.equal(m[0].test_acc_lo, 0.7);
  assert.equal(m[0].test_acc_hi, 0.9);
  assert.equal(m[0].seconds, 15);
  assert.equal(m[0].runs, 2);
});

test('runs without evaluation have no accuracy to average', () => {
  const a = runCurve(run('sgd', 1, [{ step: 10, test_acc: null, test_loss: null }]), 'sgd');
  const [p] = meanCurves([a]);
  assert.equal(p.test_acc, null);
  assert.equal(p.test_acc_lo, undefined);
});
