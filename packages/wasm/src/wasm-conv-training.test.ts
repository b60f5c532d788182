import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { relativeError, seededTensor, seededValues } from './testing/compare-backends.js';
import { useWasm } from './testing/wasm-backend.js';

await useWasm();

const BATCH = 8;
const STEPS = 3;

function smallCnn(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [14, 14, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

/** Same start weights and batches on either backend; returns the weights after STEPS of SGD. */
async function trainOn(backend: string): Promise<{ start: Float32Array[]; end: Float32Array[]; tensorsPerStep: number[] }> {
  await tf.setBackend(backend);
  const model = smallCnn();
  const init = model.getWeights().map((w, i) => tf.tidy(() => tf.mul(seededTensor(w.shape, 100 + i), 0.3)));
  model.setWeights(init);
  tf.dispose(init);
  const start = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const optimizer = tf.train.sgd(0.1);
  const tensorsPerStep: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const x = seededTensor([BATCH, 14, 14, 1], 10 + step);
    const classes = Array.from(seededValues(BATCH, 20 + step), (v) => Math.floor((v + 1) * 5));
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(classes, 'int32'), 10));
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor) as tf.Scalar);
    tf.dispose([x, labels]);
    tensorsPerStep.push(tf.memory().numTensors);
  }
  const end = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  optimizer.dispose();
  return { start, end, tensorsPerStep };
}

test('a small conv net trains 3 SGD steps on wasm to the same weights as on cpu', async () => {
  const wasm = await trainOn('wasm');
  const cpu = await trainOn('cpu');
  assert.equal(wasm.end.length, cpu.end.length);
  for (let i = 0; i < wasm.end.length; i++) {
    assert.ok(relativeError(wasm.start[i], cpu.start[i]) === 0, `weight ${i} starts equal`);
    assert.ok(relativeError(wasm.end[i], wasm.start[i]) > 1e-3, `weight ${i} moved on wasm`);
    const err = relativeError(wasm.end[i], cpu.end[i]);
    assert.ok(err < 1e-4, `weight ${i}: wasm vs cpu relative error ${err}`);
  }
  // Steps after the first leave no tensors behind on wasm.
  assert.equal(wasm.tensorsPerStep[2], wasm.tensorsPerStep[1]);
});
