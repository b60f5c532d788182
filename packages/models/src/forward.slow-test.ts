// Forward passes of the models too slow for the quick tests on the pure-JS cpu backend
// (tens of seconds each).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel, type ModelSpec } from './index.js';

await tf.setBackend('cpu');

const cases: ModelSpec[] = [
  { arch: 'resnet18', inputShape: [224, 224, 3], numClasses: 1000, imagenet: true },
  { arch: 'wrn16_8', inputShape: [32, 32, 3], numClasses: 10 },
  { arch: 'wrn28_10', inputShape: [32, 32, 3], numClasses: 100 },
];

for (const spec of cases) {
  test(`${spec.arch}${spec.imagenet ? ' imagenet' : ''} on ${spec.inputShape.join('x')} gives logits [2, ${spec.numClasses}]`, () => {
    const model = buildModel(spec);
    const x = tf.randomNormal([2, ...spec.inputShape], 0, 1, 'float32', 13);
    const y = model.predict(x) as tf.Tensor;
    try {
      assert.deepEqual(y.shape, [2, spec.numClasses]);
      assert.ok(y.dataSync().every(Number.isFinite));
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
}
