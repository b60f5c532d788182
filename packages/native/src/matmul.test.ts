import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { expectNative, expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

const tol = { atol: 1e-4, rtol: 1e-4 };

describe('native matMul', { skip: skipReason }, () => {
  before(setup);

  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`matches cpu with transposeA=${ta} transposeB=${tb}, odd sizes`, async () => {
      const [m, k, n] = [7, 13, 5];
      await expectNative('matmul', () =>
        expectSameOnBoth(() => {
          const a = randomTensor(ta ? [k, m] : [m, k], 1);
          const b = randomTensor(tb ? [n, k] : [k, n], 2);
          return tf.matMul(a, b, ta, tb);
        }, tol),
      );
    });

    it(`matches cpu batched with transposeA=${ta} transposeB=${tb}, gradients included`, async () => {
      await expectSameOnBoth(() => {
        const a = randomTensor(ta ? [3, 6, 4] : [3, 4, 6], 3);
        const b = randomTensor(tb ? [3, 5, 6] : [3, 6, 5], 4);
        const r = randomTensor([3, 4, 5], 5);
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), r));
        return [tf.matMul(a, b, ta, tb), ...tf.grads(f)([a, b])];
      }, tol);
    });
  }

  it('broadcasts batch dimensions as the cpu kernel does', async () => {
    await expectSameOnBoth(() => {
      const a = randomTensor([2, 3, 4, 5], 6);
      const b = randomTensor([3, 5, 6], 7);
      const c = randomTensor([1, 4, 5], 8);
      return [tf.matMul(a, b), tf.matMul(c, b)];
    }, tol);
  });

  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const) {
    it(`fuses bias and ${activation}`, async () => {
      await expectNative('matmul', () =>
        expectSameOnBoth(() => {
          const a = tf.mul(randomTensor([9, 11], 9), 4);
          const b = randomTensor([11, 6], 10);
          const bias = randomTensor([6], 11);
          return tf.fused.matMul({ a, b, bias, activation, leakyreluAlpha: 0.1 });
        }, tol),
      );
    });
  }

  it('computes the gradients of a fused product with bias and relu (batch 1)', async () => {
    await expectSameOnBoth(() => {
      const a = randomTensor([1, 10], 12);
      const b = randomTensor([10, 7], 13);
      const bias = randomTensor([7], 14);
      const f = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: c, activation: 'relu' })));
      const g = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: c })));
      return [...tf.grads(f)([a, b, bias]), ...tf.grads(g)([a, b, bias])];
    }, tol);
  });

  it('leaves prelu and non-float32 products to the cpu kernel', async () => {
    await expectNative(
      'matmul',
      () =>
        expectSameOnBoth(() => {
          const a = randomTensor([4, 3], 15);
          const b = randomTensor([3, 2], 16);
          const alpha = tf.fill([2], 0.3);
          const ints = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32'));
          return [tf.fused.matMul({ a, b, activation: 'prelu', preluActivationWeights: alpha }), tf.cast(ints, 'float32')];
        }, tol),
      false,
    );
  });
});
