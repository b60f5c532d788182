import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { expectNative, expectSameOnBoth, randomTensor, setup, skipReason } from './testing/native-vs-cpu.js';

describe('native slice, pad, tile and transpose', { skip: skipReason }, () => {
  before(setup);

  it('slice matches cpu, strided and contiguous', async () => {
    await expectNative('copyStrided', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([3, 6, 7, 5], 1);
        return [tf.slice(x, [0, 1, 1, 0], [2, 4, 5, 5]), tf.slice(x, [1, 2, 0, 1], [1, 3, 7, 3]), tf.slice(x, [1], [2])];
      }),
    );
  });

  it('pad matches cpu, and its gradient (a slice)', async () => {
    await expectNative('copyStrided', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([2, 5, 4, 3], 2);
        const paddings: [number, number][] = [[0, 0], [1, 1], [2, 0], [0, 3]];
        const r = randomTensor([2, 7, 6, 6], 3);
        return [
          tf.pad(x, paddings),
          tf.pad(x, [[1, 0], [0, 2], [0, 0], [1, 1]], 2.5),
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.pad(a, paddings), r)))(x),
        ];
      }),
    );
  });

  it('tile matches cpu', async () => {
    await expectNative('copyStrided', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([1, 3, 1, 4], 4);
        return [tf.tile(x, [2, 1, 3, 2]), tf.tile(randomTensor([2, 3], 5), [3, 2])];
      }),
    );
  });

  it('transpose matches cpu', async () => {
    await expectNative('copyStrided', () =>
      expectSameOnBoth(() => {
        const x = randomTensor([2, 3, 4, 5], 6);
        return [tf.transpose(x, [0, 2, 3, 1]), tf.transpose(x, [3, 0, 1, 2]), tf.transpose(randomTensor([7, 9], 7))];
      }),
    );
  });
});
