// Forward passes on the natural inputs, and the layer-level choices that make the models compute
// what their PyTorch originals compute.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel, type ModelSpec } from './index.js';
import { conv } from './layers.js';

await tf.setBackend('cpu');

const forwardCases: ModelSpec[] = [
  { arch: 'mlp', inputShape: [28, 28, 1], numClasses: 10 },
  { arch: 'cnn', inputShape: [28, 28, 1], numClasses: 10 },
  { arch: 'resnet20', inputShape: [32, 32, 3], numClasses: 10 },
  { arch: 'resnet18', inputShape: [32, 32, 3], numClasses: 100 },
  { arch: 'vgg16bn', inputShape: [32, 32, 3], numClasses: 10 },
];

for (const spec of forwardCases) {
  test(`${spec.arch} on ${spec.inputShape.join('x')} gives logits [2, ${spec.numClasses}]`, () => {
    const model = buildModel(spec);
    const x = tf.randomNormal([2, ...spec.inputShape], 0, 1, 'float32', 11);
    const y = model.predict(x) as tf.Tensor;
    try {
      assert.deepEqual(y.shape, [2, spec.numClasses]);
      const v = y.dataSync();
      assert.ok(v.every(Number.isFinite));
      // Logits, not probabilities: a softmax output would be positive everywhere.
      assert.ok(v.some((z) => z < 0));
      assert.notDeepEqual(Array.from(v.slice(0, spec.numClasses)), Array.from(v.slice(spec.numClasses)));
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
}

test('a stride-2 3x3 conv pads like PyTorch (1 on every side), not like TF "same"', () => {
  const input = tfl.input({ shape: [4, 4, 1] });
  const output = conv({ seed: 0, width: 1 }, input, 'c', { filters: 1, kernel: 3, stride: 2 });
  const model = tfl.model({ inputs: input, outputs: output });
  model.getLayer('c').setWeights([tf.ones([3, 3, 1, 1])]);
  const x = tf.buffer([1, 4, 4, 1]);
  x.set(1, 0, 2, 2, 0);
  const y = model.predict(x.toTensor()) as tf.Tensor;
  // PyTorch's windows start at rows/cols -1 and 1, so only output (1, 1) sees pixel (2, 2);
  // TF 'same' would start them at 0 and 2 and see it from all four.
  assert.deepEqual(Array.from(y.dataSync()), [0, 0, 0, 1]);
  model.dispose();
});

test('resnet20 option-A shortcut is x[:, ::2, ::2, :] with zero channels padded on both sides', () => {
  const model = buildModel({ arch: 'resnet20', inputShape: [32, 32, 3], numClasses: 10 });
  const probe = tfl.model({
    inputs: model.inputs,
    outputs: [model.getLayer('layer1_2_relu2').output, model.getLayer('layer2_0_shortcut_to_hwc').output] as tfl.SymbolicTensor[],
  });
  const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5);
  const [features, shortcut] = probe.predict(x) as tf.Tensor[];
  const expected = tf.pad(tf.stridedSlice(features, [0, 0, 0, 0], [2, 32, 32, 16], [1, 2, 2, 1]), [
    [0, 0],
    [0, 0],
    [0, 0],
    [8, 8],
  ]);
  assert.deepEqual(shortcut.shape, [2, 16, 16, 32]);
  assert.deepEqual(Array.from(shortcut.dataSync()), Array.from(expected.dataSync()));
  assert.ok(features.dataSync().some((v) => v > 0));
  tf.dispose([x, features, shortcut, expected]);
  model.dispose();
});

test('BatchNorm follows PyTorch: running averages with momentum 0.1, eps 1e-5', () => {
  const model = buildModel({ arch: 'resnet20', inputShape: [8, 8, 3], numClasses: 10, width: 0.25 });
  const stem = tfl.model({ inputs: model.inputs, outputs: model.getLayer('stem_conv').output as tfl.SymbolicTensor });
  const bn = tfl.model({ inputs: model.inputs, outputs: model.getLayer('stem_bn').output as tfl.SymbolicTensor });
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 3);
  const z = stem.predict(x) as tf.Tensor;

  // Inference with fresh statistics (mean 0, variance 1, gamma 1, beta 0) divides by sqrt(1 + eps).
  const normed = bn.predict(x) as tf.Tensor;
  const zv = z.dataSync();
  const nv = normed.dataSync();
  for (let i = 0; i < zv.length; i++) assert.ok(Math.abs(nv[i] - zv[i] / Math.sqrt(1 + 1e-5)) < 1e-6);

  // A training forward moves the running mean a tenth of the way to the batch mean.
  tf.tidy(() => {
    bn.apply(x, { training: true });
  });
  // getWeights() hands out the variables themselves: read, never dispose.
  const [, , movingMean] = model.getLayer('stem_bn').getWeights();
  const batchMean = tf.mean(z, [0, 1, 2]);
  const want = tf.mul(batchMean, 0.1).dataSync();
  const got = movingMean.dataSync();
  assert.equal(got.length, 4);
  for (let c = 0; c < 4; c++) assert.ok(Math.abs(got[c] - want[c]) < 1e-6, `channel ${c}: ${got[c]} vs ${want[c]}`);
  tf.dispose([x, z, normed, batchMean]);
  model.dispose();
});
