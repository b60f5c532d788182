// ARWP through the real CLIs: parallel == sequential, and a resumed run is bitwise the
// uninterrupted one, F included (it lives in the checkpoint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from './checkpoint.js';
import { LAUNCH_CLI, maxAbsDiff, run, SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rwp-arwp-'));
// Synthetic 32x32x3 images, the small cnn; eta large and gamma raised so F visibly shapes the
// noise within a few steps, and the noise scale rising (sigma_inc) so the schedule is exercised.
const ARWP = [
  '--set', 'threads=1', '--set', 'data.limit_train=256', '--set', 'data.limit_test=64', '--set', 'data.batch_size=16',
  '--set', 'method.name=arwp', '--set', 'method.gamma=0.05', '--set', 'method.eta=10', '--set', 'method.sigma_inc=1',
];

function arrays(dir: string): Record<string, Float32Array> {
  const c = readCheckpoint(dir);
  if (!c) throw new Error(`no checkpoint in ${dir}`);
  return c.arrays;
}

test('ARWP: sequential in one process and parallel on 2 ranks are the same computation, F included', async () => {
  const seq = tmp();
  const par = tmp();
  const steps = ['--set', 'train.max_steps=20', '--set', 'train.epochs=2'];
  const a = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', seq, ...ARWP, ...steps]);
  assert.equal(a.code, 0, a.out);
  const b = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', par, ...ARWP, ...steps]);
  assert.equal(b.code, 0, b.out);
  const s = arrays(seq);
  const p = arrays(par);
  const diff = maxAbsDiff(s.weights, p.weights);
  assert.ok(diff < 1e-5, `sequential and parallel weights differ by ${diff}`);
  assert.ok(s.fisher.length > 0 && s.fisher.every((f) => f >= 0) && s.fisher.some((f) => f > 0), 'F accumulated');
  let rel = 0;
  for (let j = 0; j < s.fisher.length; j++) rel = Math.max(rel, Math.abs(s.fisher[j] - p.fisher[j]) / (Math.abs(s.fisher[j]) + 1e-12));
  assert.ok(rel < 1e-4, `sequential and parallel F differ by a factor ${rel}`);
});

test('ARWP on 2 ranks stopped mid-epoch and resumed ends bitwise as an uninterrupted run (weights, momentum, F)', async () => {
  const whole = tmp();
  const parts = tmp();
  const all = ['--set', 'train.max_steps=null', '--set', 'train.epochs=1'];
  const a = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', whole, ...ARWP, ...all]);
  assert.equal(a.code, 0, a.out);
  const b1 = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', parts, ...ARWP, '--set', 'train.max_steps=3', '--set', 'train.epochs=1']);
  assert.equal(b1.code, 0, b1.out);
  const b2 = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', parts, ...ARWP, ...all, '--resume']);
  assert.equal(b2.code, 0, b2.out);
  assert.match(b2.out, /resumed from step 3/);
  const w = arrays(whole);
  const p = arrays(parts);
  assert.equal(readCheckpoint(whole)!.meta.step, 16, 'one epoch of SGD-equivalent steps (256 / 16), in 2 passes of 256 / (2 x 16)');
  assert.deepEqual(p.weights, w.weights);
  assert.deepEqual(p.momentum, w.momentum);
  assert.deepEqual(p.fisher, w.fisher);
  assert.ok(w.fisher.some((f) => f > 0));
});

test('ARWP on 3 ranks, 2 of them perturbed (ResNet-20): F, weights and BatchNorm statistics stay identical on every rank', async () => {
  const dir = tmp();
  const r = await run([LAUNCH_CLI, '--nproc', '3', SMOKE_CONFIG, '--run-dir', dir, ...ARWP, '--set', 'model.arch=resnet20', '--set', 'method.perturbed_ranks=2', '--set', 'train.max_steps=3', '--set', 'data.limit_train=96']);
  // Each pass ends with a hash of weights, statistics and F compared across ranks; a drift fails the run.
  assert.equal(r.code, 0, r.out);
  const a = arrays(dir);
  assert.ok(a.weights.every(Number.isFinite));
  assert.ok(a.fisher.some((f) => f > 0));
});
