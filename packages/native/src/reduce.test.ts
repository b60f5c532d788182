import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { expectNative, expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

const tol = { atol: 1e-5, rtol: 1e-5 };

const cases: [string, number[], number | number[]][] = [
  ['leading axes (a bias or BatchNorm gradient)', [4, 5, 6, 7], [0, 1, 2]],
  ['the last axis (a loss)', [4, 5, 6, 7], -1],
  ['middle axes (a global average pool)', [4, 5, 6, 7], [1, 2]],
  ['all axes', [4, 5, 6, 7], [0, 1, 2, 3]],
  ['axis 0 of a matrix', [300, 9], 0],
  ['axes around a unit axis', [4, 1, 6, 7], [0, 1]],
];

describe('native Sum and Mean', { skip: skipReason }, () => {
  before(setup);

  for (const [name, shape, axis] of cases) {
    for (const keepDims of [false, true]) {
      it(`match cpu over ${name}${keepDims ? ', keeping dims' : ''}`, async () => {
        await expectNative('reduceSum', () =>
          expectSameOnBoth(() => {
            const x = randomTensor(shape, 1);
            return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)];
          }, tol),
        );
      });
    }
  }

  it('computes the gradient of Mean like cpu (a broadcast of dy / n)', async () => {
    await expectNative('copyStrided', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([4, 5, 6, 7], 3);
        const f = (a: tf.Tensor) => tf.add(tf.sum(tf.square(tf.mean(a, [1, 2]))), tf.sum(tf.mean(a, 0, true)));
        return tf.grad(f)(x);
      }, tol),
    );
  });

  it('sums a tensor cast to float32 from bool and int32 (tfjs relabels their data)', async () => {
    await expectSameOnBoth(() => {
      const x = randomTensor([6, 5], 4);
      const hits = tf.cast(tf.equal(tf.argMax(x, -1), tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32')), 'float32');
      return [tf.sum(hits), tf.sum(tf.cast(tf.argMax(x, -1), 'float32'))];
    }, tol);
  });

  it('falls back to cpu for interleaved axes', async () => {
    await expectSameOnBoth(() => {
      const x = randomTensor([4, 5, 6, 7], 2);
      return [tf.sum(x, [0, 2]), tf.mean(x, [1, 3], true)];
    }, tol);
  });
});
