// Parameter counts against the PyTorch originals (trainable parameters, as
// sum(p.numel() for p in model.parameters())), and the weight layout the trainer relies on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel, countParams, type ModelSpec } from './index.js';

await tf.setBackend('cpu');

const MNIST: [number, number, number] = [28, 28, 1];
const CIFAR: [number, number, number] = [32, 32, 3];

const cases: Array<[ModelSpec, number, string]> = [
  [{ arch: 'mlp', inputShape: MNIST, numClasses: 10 }, 669_706, '784-512-512-10'],
  [{ arch: 'cnn', inputShape: MNIST, numClasses: 10 }, 421_642, 'small cnn, padded convs'],
  [{ arch: 'resnet20', inputShape: CIFAR, numClasses: 10 }, 269_722, 'He et al. ResNet-20, option A'],
  [{ arch: 'resnet18', inputShape: CIFAR, numClasses: 10 }, 11_173_962, 'CIFAR ResNet-18'],
  [{ arch: 'resnet18', inputShape: CIFAR, numClasses: 100 }, 11_220_132, 'CIFAR-100 ResNet-18'],
  [{ arch: 'resnet18', inputShape: [224, 224, 3], numClasses: 1000, imagenet: true }, 11_689_512, 'torchvision'],
  [{ arch: 'vgg16bn', inputShape: CIFAR, numClasses: 10 }, 15_253_578, 'VGG16-BN, 512-512 classifier'],
  [{ arch: 'wrn16_8', inputShape: CIFAR, numClasses: 10 }, 10_961_370, 'WRN-16-8'],
  [{ arch: 'wrn28_10', inputShape: CIFAR, numClasses: 10 }, 36_479_194, 'WRN-28-10'],
];

for (const [spec, expected, what] of cases) {
  test(`${spec.arch}${spec.imagenet ? ' imagenet' : ''} ${spec.numClasses} classes: ${expected} parameters (${what})`, () => {
    const model = buildModel(spec);
    try {
      assert.equal(countParams(model), expected);
      const names = model.weights.map((w) => w.originalName);
      assert.equal(new Set(names).size, names.length, 'weight names are unique');
      // BatchNorm running statistics are the only non-trainable weights.
      for (const w of model.nonTrainableWeights) assert.match(w.originalName, /\/moving_(mean|variance)$/);
      for (const w of model.trainableWeights) assert.match(w.originalName, /\/(kernel|bias|gamma|beta)$/);
      // TensorFlow.js keeps the output axis last: dense [in, out], conv [kh, kw, in, out].
      const head = model.trainableWeights.filter((w) => w.originalName.endsWith('/kernel')).at(-1);
      assert.equal(head?.shape.at(-1), spec.numClasses);
      const stem = model.trainableWeights[0];
      assert.equal(stem.shape.at(-2), spec.arch === 'mlp' ? 784 : spec.inputShape[2]);
    } finally {
      model.dispose();
    }
  });
}

test('width scales every hidden width and leaves the classifier alone', () => {
  const model = buildModel({ arch: 'resnet18', inputShape: CIFAR, numClasses: 10, width: 0.25 });
  try {
    const shapes = new Map(model.trainableWeights.map((w) => [w.originalName, w.shape]));
    assert.deepEqual(shapes.get('stem_conv/kernel'), [3, 3, 3, 16]);
    assert.deepEqual(shapes.get('layer4_1_conv2/kernel'), [3, 3, 128, 128]);
    assert.deepEqual(shapes.get('fc/kernel'), [128, 10]);
  } finally {
    model.dispose();
  }
});

test('vgg16bn has two dropout layers in its classifier unless dropout is 0', () => {
  const withDropout = buildModel({ arch: 'vgg16bn', inputShape: CIFAR, numClasses: 10, width: 0.125 });
  const without = buildModel({ arch: 'vgg16bn', inputShape: CIFAR, numClasses: 10, width: 0.125, dropout: 0 });
  try {
    const rates = withDropout.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => l.getConfig().rate);
    assert.deepEqual(rates, [0.5, 0.5]);
    assert.equal(without.layers.filter((l) => l.getClassName() === 'Dropout').length, 0);
    assert.equal(countParams(withDropout), countParams(without));
  } finally {
    withDropout.dispose();
    without.dispose();
  }
});
