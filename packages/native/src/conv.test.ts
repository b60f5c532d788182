import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { expectNative, expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

const tol = { atol: 2e-4, rtol: 1e-4 };

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  /** TensorFlow.js has no gradient for dilated convolutions. */
  dilations?: number;
}

const cases: Case[] = [
  { name: '3x3 stride 2 same, odd sizes', x: [2, 9, 7, 5], filter: [3, 3, 5, 6], strides: 2, pad: 'same' },
  { name: '3x3 stride 2 same, even input', x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: '1x1 valid, batch 1', x: [1, 8, 8, 3], filter: [1, 1, 3, 4], strides: 1, pad: 'valid' },
  { name: '1x1 stride 2 (projection shortcut)', x: [2, 8, 8, 16], filter: [1, 1, 16, 12], strides: 2, pad: 'valid' },
  { name: 'non-square 3x2 filter, strides [2, 1], valid', x: [3, 10, 6, 7], filter: [3, 2, 7, 9], strides: [2, 1], pad: 'valid' },
  { name: 'stride 2 valid on a non-dividing input', x: [2, 10, 10, 17], filter: [3, 3, 17, 19], strides: 2, pad: 'valid' },
  { name: 'dilation 2, same', x: [2, 11, 11, 4], filter: [3, 3, 4, 5], strides: 1, pad: 'same', dilations: 2 },
  { name: 'explicit padding', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: [[0, 0], [1, 2], [2, 1], [0, 0]] },
  { name: '5x5, 1 input channel', x: [4, 12, 12, 1], filter: [5, 5, 1, 8], strides: 1, pad: 'same' },
];

describe('native conv2d', { skip: skipReason }, () => {
  before(setup);

  for (const c of cases) {
    const conv = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1);
    it(`forward matches cpu: ${c.name}`, async () => {
      await expectNative('conv2d', () => expectSameOnBoth(() => conv(randomTensor(c.x, 1), randomTensor(c.filter, 2)), tol));
    });
    if (c.dilations !== undefined) continue;
    it(`gradients match cpu: ${c.name}`, async () => {
      await expectNative('conv2dBackpropFilter', () =>
        expectNative('conv2dBackpropInput', () =>
          expectSameOnBoth(() => {
            const x = randomTensor(c.x, 1);
            const w = randomTensor(c.filter, 2);
            const r = randomTensor(conv(x, w).shape, 3);
            return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, w]);
          }, tol),
        ),
      );
    });
  }

  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const) {
    it(`fuses bias and ${activation}`, async () => {
      await expectNative('conv2d', () =>
        expectSameOnBoth(() => {
          const x = tf.mul(randomTensor([2, 7, 9, 6], 4), 3) as tf.Tensor4D;
          const filter = randomTensor([3, 3, 6, 10], 5) as tf.Tensor4D;
          const bias = randomTensor([10], 6);
          return tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation, leakyreluAlpha: 0.1 });
        }, tol),
      );
    });
  }

  it('computes the gradients of a fused convolution with bias (its custom gradient)', async () => {
    await expectSameOnBoth(() => {
      const x = randomTensor([2, 6, 6, 5], 7);
      const w = randomTensor([3, 3, 5, 4], 8);
      const b = randomTensor([4], 9);
      const f = (x1: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.conv2d({ x: x1 as tf.Tensor4D, filter: w1 as tf.Tensor4D, strides: 2, pad: 'same', bias: b1 })));
      return tf.grads(f)([x, w, b]);
    }, tol);
  });

  it('leaves NCHW to the cpu kernel', async () => {
    await expectNative(
      'conv2d',
      () =>
        expectSameOnBoth(() => {
          const x = randomTensor([1, 3, 6, 6], 10) as tf.Tensor4D;
          const w = randomTensor([3, 3, 3, 2], 11) as tf.Tensor4D;
          return tf.conv2d(x, w, 1, 'same', 'NCHW');
        }, tol),
      false,
    );
  });
});
