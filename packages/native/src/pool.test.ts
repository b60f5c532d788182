import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { expectNative, expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

const cases: Case[] = [
  { name: '2x2 stride 2 valid', x: [2, 8, 6, 5], size: 2, strides: 2, pad: 'valid' },
  { name: '3x3 stride 2 same, odd input', x: [2, 9, 7, 5], size: 3, strides: 2, pad: 'same' },
  { name: '3x3 stride 1 same, batch 1', x: [1, 6, 6, 3], size: 3, strides: 1, pad: 'same' },
  { name: 'non-square 2x3 window, strides [1, 2]', x: [3, 7, 9, 17], size: [2, 3], strides: [1, 2], pad: 'valid' },
  { name: '1x1 stride 2 (a ResNet option-A subsample)', x: [2, 8, 8, 6], size: 1, strides: 2, pad: 'valid' },
];

describe('native pooling', { skip: skipReason }, () => {
  before(setup);

  for (const c of cases) {
    it(`max pool and its gradient match cpu: ${c.name}`, async () => {
      await expectNative('maxPoolGrad', () =>
        expectNative('maxPool', () =>
          expectSameOnBoth(() => {
            const x = randomTensor(c.x, 1) as tf.Tensor4D;
            const pool = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad);
            const r = randomTensor(pool(x).shape, 2);
            return [pool(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), r)))(x)];
          }),
        ),
      );
    });

    it(`average pool and its gradient match cpu: ${c.name}`, async () => {
      await expectNative('avgPoolGrad', () =>
        expectNative('avgPool', () =>
          expectSameOnBoth(() => {
            const x = randomTensor(c.x, 3) as tf.Tensor4D;
            const pool = (a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, c.size, c.strides, c.pad);
            const r = randomTensor(pool(x).shape, 4);
            return [pool(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), r)))(x)];
          }),
        ),
      );
    });
  }

  it('sends the gradient of tied maxima where the cpu kernel does (ReLU zeros)', async () => {
    await expectSameOnBoth(() => {
      const x = tf.relu(randomTensor([2, 6, 6, 4], 5)) as tf.Tensor4D;
      const r = randomTensor([2, 3, 3, 4], 6);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), r)))(x);
    });
  });
});
