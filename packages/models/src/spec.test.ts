import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ARCHS, buildModel, type Arch, type ModelSpec } from './index.js';

await tf.setBackend('cpu');

const ok: ModelSpec = { arch: 'mlp', inputShape: [28, 28, 1], numClasses: 10 };

test('an unknown arch is an error that lists the allowed ones', () => {
  assert.throws(
    () => buildModel({ ...ok, arch: 'resnet50' as never }),
    (e: Error) => {
      assert.match(e.message, /unknown model arch "resnet50"/);
      for (const arch of ARCHS) assert.ok(e.message.includes(arch), `${arch} missing from: ${e.message}`);
      return true;
    },
  );
});

test('bad fields are errors naming the field', () => {
  const cases: Array<[Partial<ModelSpec> | Record<string, unknown>, RegExp]> = [
    [{ inputShape: [28, 28] }, /inputShape/],
    [{ inputShape: [28, 0, 1] }, /inputShape/],
    [{ inputShape: [28, 2.5, 1] }, /inputShape/],
    [{ numClasses: 0 }, /numClasses/],
    [{ numClasses: 1.5 }, /numClasses/],
    [{ width: 0 }, /width/],
    [{ width: Number.NaN }, /width/],
    [{ seed: -1 }, /seed/],
    [{ seed: 0.5 }, /seed/],
    [{ imagenet: true }, /imagenet.*resnet18/],
    [{ imagenet: 'yes' }, /imagenet/],
    [{ dropout: 0.5 }, /dropout.*vgg16bn/],
    [{ arch: 'vgg16bn', inputShape: [32, 32, 3], dropout: 1 }, /dropout/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => buildModel({ ...ok, ...change } as ModelSpec), message, JSON.stringify(change));
  }
});

test('an input too small for the pooling says so', () => {
  assert.throws(
    () => buildModel({ arch: 'vgg16bn', inputShape: [28, 28, 1], numClasses: 10 }),
    /vgg16bn needs an input of at least 32x32.*got 28x28/,
  );
  assert.throws(() => buildModel({ arch: 'cnn', inputShape: [3, 3, 1], numClasses: 10 }), /cnn needs an input/);
});

test('ARCHS lists every arch once and cannot be changed', () => {
  assert.deepEqual([...ARCHS], ['mlp', 'cnn', 'resnet20', 'resnet18', 'vgg16bn', 'wrn16_8', 'wrn28_10']);
  assert.throws(() => (ARCHS as readonly Arch[] as Arch[]).push('mlp'));
});
