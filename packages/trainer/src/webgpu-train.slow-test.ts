// The trainer's promises on WebGPU: parallel RWP on 2 ranks under rwp-launch is sequential RWP
// in one process, and a resumed run ends bitwise as an uninterrupted one. On SwiftShader here
// (a software adapter: tiny runs), on the GPU's own driver elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withVulkanDriver } from '@rwp/webgpu';
import { finalWeights, LAUNCH_CLI, maxAbsDiff, run, SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rwp-webgpu-'));
const env = withVulkanDriver();
const TINY = ['--set', 'backend=webgpu', '--set', 'data.image_size=8', '--set', 'data.limit_train=64', '--set', 'data.limit_test=32', '--set', 'data.batch_size=8', '--set', 'train.epochs=2'];

function assertOnWebgpu(out: string): void {
  assert.match(out, /backend webgpu: requested: webgpu on vendor/, 'the run says it runs on webgpu');
  assert.doesNotMatch(out, /backend (native|wasm|cpu):/);
}

test('on webgpu, sequential RWP in one process and parallel RWP on 2 ranks are the same computation', async () => {
  const seq = tmp();
  const par = tmp();
  const steps = ['--set', 'train.max_steps=6'];
  const a = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', seq, ...TINY, ...steps], env);
  assert.equal(a.code, 0, a.out);
  assertOnWebgpu(a.out);
  const b = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', par, ...TINY, ...steps], env);
  assert.equal(b.code, 0, b.out);
  assertOnWebgpu(b.out);
  const diff = maxAbsDiff(finalWeights(seq), finalWeights(par));
  assert.ok(diff < 1e-5, `sequential and parallel weights differ by ${diff}`);
});

test('on webgpu, a run stopped mid-epoch and resumed ends bitwise as an uninterrupted run', async () => {
  const whole = tmp();
  const parts = tmp();
  const a = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', whole, ...TINY, '--set', 'train.max_steps=6'], env);
  assert.equal(a.code, 0, a.out);
  const b1 = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', parts, ...TINY, '--set', 'train.max_steps=3'], env);
  assert.equal(b1.code, 0, b1.out);
  const b2 = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', parts, ...TINY, '--set', 'train.max_steps=6', '--resume'], env);
  assert.equal(b2.code, 0, b2.out);
  assertOnWebgpu(b2.out);
  assert.match(b2.out, /resumed from step 3/);
  assert.deepEqual(finalWeights(parts), finalWeights(whole), 'resumed weights are bitwise those of the uninterrupted run');
});
