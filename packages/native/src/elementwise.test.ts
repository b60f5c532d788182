import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { expectNative, expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

const unary: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ['relu', tf.relu],
  ['relu6', (x) => tf.relu6(tf.mul(x, 8))],
  ['leakyRelu', (x) => tf.leakyRelu(x, 0.15)],
  ['step', (x) => tf.step(x, 0.25)],
  ['neg', tf.neg],
  ['square', tf.square],
  ['sqrt', (x) => tf.sqrt(tf.abs(x))],
  ['rsqrt', (x) => tf.rsqrt(tf.add(tf.abs(x), 0.01))],
  ['exp', tf.exp],
  ['log', (x) => tf.log(tf.add(tf.abs(x), 0.01))],
  ['abs', tf.abs],
  ['sigmoid', (x) => tf.sigmoid(tf.mul(x, 5))],
  ['tanh', (x) => tf.tanh(tf.mul(x, 3))],
];

const binary: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
  ['div', (a, b) => tf.div(a, tf.add(tf.abs(b), 0.5))],
  ['squaredDifference', tf.squaredDifference],
  ['maximum', tf.maximum],
  ['minimum', tf.minimum],
];

const broadcasts: [string, number[], number[]][] = [
  ['same shapes', [2, 3, 4, 5], [2, 3, 4, 5]],
  ['a channel vector', [2, 3, 4, 5], [5]],
  ['a [1, 1, 1, C] tensor first', [1, 1, 1, 5], [2, 3, 4, 5]],
  ['a scalar', [2, 3, 4, 5], []],
  ['both sides', [2, 1, 1, 5], [1, 3, 4, 1]],
  ['a column and a row', [3, 1], [1, 4]],
];

describe('native element-wise kernels', { skip: skipReason }, () => {
  before(setup);

  for (const [name, f] of unary) {
    it(`${name} matches cpu, NaN included`, async () => {
      await expectNative('unary', () =>
        expectSameOnBoth(() => f(tf.concat([randomTensor([200], 1), tf.tensor1d([0, NaN, -0, 1e-30])])), {
          atol: 1e-6,
          rtol: 2e-6,
        }),
      );
    });
  }

  for (const [name, f] of binary) {
    for (const [how, a, b] of broadcasts) {
      it(`${name} matches cpu broadcasting ${how}`, async () => {
        await expectNative('binary', () => expectSameOnBoth(() => f(randomTensor(a, 2), randomTensor(b, 3)), { atol: 0, rtol: 1e-6 }));
      });
    }
  }

  it('propagates NaN through maximum and minimum as cpu does', async () => {
    await expectSameOnBoth(() => {
      const a = tf.tensor1d([NaN, 1, 2, NaN]);
      const b = tf.tensor1d([0, NaN, 3, NaN]);
      return [tf.maximum(a, b), tf.minimum(a, b)];
    });
  });

  it('addN matches cpu', async () => {
    await expectNative('addN', () =>
      expectSameOnBoth(() => tf.addN([randomTensor([3, 7], 4), randomTensor([3, 7], 5), randomTensor([3, 7], 6)]), {
        rtol: 1e-6,
      }),
    );
  });

  it('leaves int32 arithmetic to the cpu kernels', async () => {
    await expectNative(
      'binary',
      () => expectSameOnBoth(() => tf.cast(tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')), 'float32')),
      false,
    );
  });
});
