// The addon's own loops split work over threads above 65536 elements: the same results on 2
// threads, on tensors that large, as on the cpu backend.
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { setNativeThreads } from './index.js';
import { expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

describe('native kernels on 2 threads', { skip: skipReason }, () => {
  before(async () => {
    await setup();
    setNativeThreads(2);
  });
  after(() => setNativeThreads(1));

  it('element-wise, reductions, pooling, BatchNorm and copies match cpu', async () => {
    await expectSameOnBoth(() => {
      const x = randomTensor([8, 32, 32, 16], 1) as tf.Tensor4D;
      const c = randomTensor([16], 2);
      const r = randomTensor([8, 16, 16, 16], 3);
      const pooled = (a: tf.Tensor) => tf.add(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), tf.avgPool(a as tf.Tensor4D, 3, 2, 'same'));
      const normed = (a: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.batchNorm(a, mean, variance, c, c, 1e-5);
      };
      return [
        tf.mul(x, c),
        tf.step(x),
        tf.addN([x, x, x]),
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [1, 2]),
        tf.sum(x, -1),
        pooled(x),
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pooled(a), r)))(x),
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(normed(a), x)))(x),
        tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]),
        tf.transpose(x, [0, 3, 1, 2]),
        tf.tile(c, [5000]),
      ];
    }, { atol: 1e-4, rtol: 1e-4 });
  });
});
