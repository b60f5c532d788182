import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { expectNative, expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

const tol = { atol: 1e-5, rtol: 1e-4 };

describe('native batchNorm', { skip: skipReason }, () => {
  before(setup);

  it('matches cpu with per-channel mean, variance, offset and scale', async () => {
    await expectNative('batchNorm', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([2, 4, 5, 6], 1);
        const variance = tf.add(tf.abs(randomTensor([6], 3)), 0.1);
        return tf.batchNorm(x, randomTensor([6], 2), variance, randomTensor([6], 4), randomTensor([6], 5), 1e-3);
      }, tol),
    );
  });

  it('matches cpu without offset and scale, with scalar parameters, on rank 2', async () => {
    await expectNative('batchNorm', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([7, 5], 6);
        return [
          tf.batchNorm(x, randomTensor([5], 7), tf.fill([5], 0.5)),
          tf.batchNorm(x, tf.scalar(0.25), tf.scalar(2), tf.scalar(1), tf.scalar(3), 1e-5),
        ];
      }, tol),
    );
  });

  it('computes training-mode BatchNorm gradients (batch moments) like cpu', async () => {
    await expectNative('batchNormSums', () => expectSameOnBoth(() => {
      const x = randomTensor([3, 5, 4, 7], 8);
      const gamma = randomTensor([7], 9);
      const beta = randomTensor([7], 10);
      const r = randomTensor([3, 5, 4, 7], 11);
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b, g, 1e-5), r));
      };
      return tf.grads(f)([x, gamma, beta]);
    }, { atol: 1e-4, rtol: 1e-3 }));
  });

  it('computes the gradients of a FusedBatchNorm with given statistics like cpu', async () => {
    await expectNative('batchNormSums', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([2, 3, 4, 5], 12);
        const mean = randomTensor([5], 13);
        const variance = tf.add(tf.abs(randomTensor([5], 14)), 0.2);
        const r = randomTensor([2, 3, 4, 5], 15);
        const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
          tf.sum(tf.mul(tf.batchNorm(a, m, v, o, s, 1e-3), r));
        return tf.grads(f)([x, mean, variance, randomTensor([5], 16), randomTensor([5], 17)]);
      }, { atol: 1e-4, rtol: 1e-3 }),
    );
  });
});
