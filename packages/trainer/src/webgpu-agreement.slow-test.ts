// Every model's training step on WebGPU against the native oneDNN backend: the same weights and
// batch give the same loss and gradient within float32 tolerance. On SwiftShader here, on the
// GPU's own driver elsewhere. SwiftShader runs shaders on the CPU: tiny inputs, and the four
// large models at 1/8 of their width (every layer kind is still there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@rwp/backend';
import { ARCHS, buildModel, type Arch, type ModelSpec } from '@rwp/models';
import { streamFor } from '@rwp/random';
import { lossGradient, type Batch } from './gradients.js';
import { modelVars } from './params.js';
import { withVulkanDriver } from '@rwp/webgpu';

Object.assign(process.env, withVulkanDriver());

// Relative to the largest gradient element: float32 sums in another order, over at most a few
// thousand terms here, differ by far less; a wrong kernel differs by O(1).
const GRAD_TOLERANCE = 1e-3;
const LOSS_TOLERANCE = 1e-4;

const NARROWED: readonly Arch[] = ['resnet18', 'vgg16bn', 'wrn16_8', 'wrn28_10'];

function specOf(arch: Arch): ModelSpec {
  // VGG's five max-pools need 32x32. ResNet-18 gets 16x16: at 8x8 its last BatchNorm normalises
  // two values (1x1, batch 2), which magnifies float32 rounding ~100x. Dropout off: masks are random.
  const side = arch === 'vgg16bn' ? 32 : arch === 'resnet18' ? 16 : 8;
  const width = NARROWED.includes(arch) ? { width: 1 / 8 } : {};
  const dropout = arch === 'vgg16bn' || arch.startsWith('wrn') ? { dropout: 0 } : {};
  return { arch, inputShape: [side, side, 3], numClasses: 10, seed: 3, ...width, ...dropout };
}

function batchFor(spec: ModelSpec): Batch {
  const rng = streamFor(11, 'agreement');
  const [h, w, c] = spec.inputShape;
  const n = 2;
  return { x: new Float32Array(n * h * w * c).map(() => rng.normal()), y: Int32Array.from({ length: n }, (_, i) => (3 * i + 1) % 10), shape: [h, w, c] };
}

async function stepOn(backend: 'native' | 'webgpu', spec: ModelSpec, weights: Float32Array | null, batch: Batch) {
  await tf.setBackend(backend);
  const model = buildModel(spec);
  const { trainable } = modelVars(model);
  if (weights) trainable.write(weights);
  const grad = new Float32Array(trainable.size);
  const r = await lossGradient(model, trainable, batch, 1, spec.numClasses, grad);
  const w = await trainable.read();
  model.dispose();
  return { loss: r.loss, grad, weights: w };
}

await initBackend({ backend: 'native', log: () => {} });
const chosen = await initBackend({ backend: 'webgpu', log: () => {} });

test('webgpu is the backend that runs, not a fallback', () => {
  assert.equal(chosen.name, 'webgpu');
  assert.equal(chosen.tfBackend, 'webgpu');
  assert.match(chosen.reason, /vendor .*architecture/);
});

for (const arch of ARCHS) {
  test(`${arch}: a training step's loss and gradient on webgpu match native`, async (t) => {
    const spec = specOf(arch);
    const batch = batchFor(spec);
    const ref = await stepOn('native', spec, null, batch);
    const got = await stepOn('webgpu', spec, ref.weights, batch);
    assert.equal(tf.getBackend(), 'webgpu');
    let maxAbs = 0;
    let maxRef = 0;
    for (let i = 0; i < ref.grad.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(got.grad[i] - ref.grad[i]));
      maxRef = Math.max(maxRef, Math.abs(ref.grad[i]));
    }
    const rel = maxAbs / maxRef;
    t.diagnostic(`${arch}: ${ref.grad.length} parameters, loss ${ref.loss.toFixed(6)} vs ${got.loss.toFixed(6)}, gradient max abs diff ${maxAbs.toExponential(2)}, relative to max |g| ${rel.toExponential(2)}`);
    assert.ok(maxRef > 0, 'the reference gradient is not zero');
    assert.ok(Math.abs(got.loss - ref.loss) <= LOSS_TOLERANCE * Math.max(1, Math.abs(ref.loss)), `loss ${got.loss} vs ${ref.loss}`);
    assert.ok(rel <= GRAD_TOLERANCE, `gradient differs by ${maxAbs} (${rel} of the largest element)`);
  });
}
