import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@rwp/process-group';
import { finalWeights, LAUNCH_CLI, maxAbsDiff, run, SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rwp-train-'));
// Small and fast: synthetic 32x32x3 images, the small cnn, one thread per process.
const SMALL = ['--set', 'threads=1', '--set', 'data.limit_train=256', '--set', 'data.limit_test=64', '--set', 'data.batch_size=16'];

test('sequential RWP in one process and parallel RWP on 2 ranks are the same computation', async () => {
  const seq = tmp();
  const par = tmp();
  const steps = ['--set', 'train.max_steps=20', '--set', 'train.epochs=2'];
  const a = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', seq, ...SMALL, ...steps]);
  assert.equal(a.code, 0, a.out);
  const b = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', par, ...SMALL, ...steps]);
  assert.equal(b.code, 0, b.out);
  // Two ranks on one host: the gradients went through shared memory, and the log says so.
  assert.match(b.out, /rank 1 of 2 ready; allreduce over shared memory/);
  const ws = finalWeights(seq);
  const wp = finalWeights(par);
  const diff = maxAbsDiff(ws, wp);
  assert.ok(diff < 1e-5, `sequential and parallel weights differ by ${diff}`);
  // ... and they did train: the weights moved away from the initial ones of another seed's run.
  const s1 = JSON.parse(readFileSync(join(seq, 'summary.json'), 'utf8'));
  const s2 = JSON.parse(readFileSync(join(par, 'summary.json'), 'utf8'));
  assert.equal(s1.steps, 20);
  assert.equal(s2.steps, 20);
  assert.equal(s1.world_size, 1);
  assert.equal(s2.world_size, 2);
});

test('RWP with gamma 0 on 2 ranks equals SGD on the union of the two batches (a model without BatchNorm)', async () => {
  const rwp = tmp();
  const sgd = tmp();
  const common = [...SMALL, '--set', 'train.max_steps=8', '--set', 'optim.schedule=constant'];
  const a = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', rwp, ...common, '--set', 'method.gamma=0']);
  assert.equal(a.code, 0, a.out);
  // Batch 32 on one replica takes, step by step, the same 32 shuffled images as 2 replicas of 16.
  const b = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', sgd, ...common, '--set', 'method.name=sgd', '--set', 'data.batch_size=32']);
  assert.equal(b.code, 0, b.out);
  const diff = maxAbsDiff(finalWeights(rwp), finalWeights(sgd));
  assert.ok(diff < 1e-5, `weights differ by ${diff}`);
});

test('a run stopped mid-epoch and resumed ends exactly as an uninterrupted run', async () => {
  const whole = tmp();
  const parts = tmp();
  const a = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', whole, ...SMALL, '--set', 'train.max_steps=null', '--set', 'data.augment=true', '--set', 'data.cutout=true']);
  assert.equal(a.code, 0, a.out);
  const common = [...SMALL, '--set', 'data.augment=true', '--set', 'data.cutout=true'];
  const b1 = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', parts, ...common, '--set', 'train.max_steps=3']);
  assert.equal(b1.code, 0, b1.out);
  const b2 = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', parts, ...common, '--set', 'train.max_steps=null', '--resume']);
  assert.equal(b2.code, 0, b2.out);
  assert.match(b2.out, /resumed from step 3/);
  assert.deepEqual(finalWeights(parts), finalWeights(whole), 'resumed weights are bitwise those of the uninterrupted run');

  const lines = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const mw = lines(whole);
  const mp = lines(parts);
  assert.equal(mw.length, 2, 'rwp in one process: as many steps as SGD (256 / 16 = 16), in passes of 256 / (2 x 16) = 8');
  assert.deepEqual(mp.map((m) => m.epoch), [1, 2], 'the partial epoch line is replaced on resume');
  assert.deepEqual(mp.map((m) => m.test_acc), mw.map((m) => m.test_acc));
  for (const key of ['epoch', 'step', 'lr', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'epoch_seconds', 'step_ms', 'comm_ms', 'data_ms', 'images_per_s']) {
    assert.ok(key in mw[0], `metrics.jsonl has ${key}`);
  }
  const summary = JSON.parse(readFileSync(join(parts, 'summary.json'), 'utf8'));
  for (const key of ['test_acc', 'best_test_acc', 'epochs', 'steps', 'wall_seconds', 'method']) assert.ok(key in summary, `summary.json has ${key}`);
  assert.equal(summary.steps, 16);
  assert.equal(summary.method.name, 'rwp');
  assert.equal(summary.method.gamma, 0.01);
});

test('a rank whose config differs from rank 0\'s stops the run with an error naming it', async () => {
  const dir = tmp();
  const port = await freePort();
  const env = (rank: number) => ({ RANK: String(rank), WORLD_SIZE: '2', LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RWP_RUN_ID: `mismatch-${port}` });
  const [r0, r1] = await Promise.all([
    run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL], env(0), 60_000),
    run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL, '--set', 'method.gamma=0.02'], env(1), 60_000),
  ]);
  assert.notEqual(r0.code, 0);
  assert.notEqual(r1.code, 0);
  assert.match(r0.out + r1.out, /config of rank\(s\) 1 differs from rank 0's/);
});

test('a bad config is a clear error, exit 1, no stack trace', async () => {
  const r = await run([TRAIN_CLI, SMOKE_CONFIG, '--set', 'method.gama=1']);
  assert.equal(r.code, 1);
  assert.match(r.out, /unknown key method.gama; allowed keys: .*method.gamma/);
  assert.doesNotMatch(r.out, /\n\s+at /);
  const m = await run([TRAIN_CLI, '/nonexistent/config.yaml']);
  assert.equal(m.code, 1);
  assert.match(m.out, /cannot read config \/nonexistent\/config.yaml: ENOENT/);
});

test('BatchNorm statistics stay identical on every rank (ResNet-20, RWP on 3 ranks)', async () => {
  const dir = tmp();
  const r = await run([LAUNCH_CLI, '--nproc', '3', SMOKE_CONFIG, '--run-dir', dir, ...SMALL, '--set', 'model.arch=resnet20', '--set', 'train.max_steps=3', '--set', 'data.limit_train=96']);
  // Each pass ends with a hash of weights and statistics compared across ranks; a drift fails the run.
  assert.equal(r.code, 0, r.out);
  const ckpt = finalWeights(dir);
  assert.ok(ckpt.every(Number.isFinite));
});
