// A small ResNet-like model trained on native against cpu: every weight's gradient, the
// BatchNorm running statistics, and no tensors or bytes leaking over steps.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setNativeThreads } from './index.js';
import { expectClose, setup, skipReason, values } from './testing/native-vs-cpu.js';

type T = tfl.SymbolicTensor;

function buildModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 3] });
  const apply = (layer: tfl.layers.Layer, x: T | T[]) => layer.apply(x) as T;
  let x = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }), input);
  x = apply(tfl.layers.maxPooling2d({ poolSize: 2 }), x);
  const shortcut = apply(tfl.layers.conv2d({ filters: 12, kernelSize: 1, strides: 2, useBias: false }), x);
  let y = apply(tfl.layers.zeroPadding2d({ padding: 1 }), x);
  y = apply(tfl.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, useBias: false }), y);
  y = apply(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }), y);
  y = apply(tfl.layers.reLU(), y);
  y = apply(tfl.layers.add(), [y, shortcut]);
  y = apply(tfl.layers.globalAveragePooling2d({}), y);
  y = apply(tfl.layers.dense({ units: 16, activation: 'relu' }), y);
  return tfl.model({ inputs: input, outputs: apply(tfl.layers.dense({ units: 5 }), y) });
}

/** The model with deterministic weights, the same on every backend. */
function seededModel(): tfl.LayersModel {
  const model = buildModel();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(tf.mul(values(w.size, 100 + i), 0.5).dataSync(), w.shape)));
  return model;
}

function loss(model: tfl.LayersModel, x: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  const logits = model.apply(x, { training: true }) as tf.Tensor;
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, 5), tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

const batch = { x: values(6 * 12 * 12 * 3, 1), y: [0, 1, 2, 3, 4, 0] };

/** Gradients of every trainable weight after `steps` SGD steps, and all weights after them. */
async function train(backend: string, steps: number): Promise<{ grads: Float32Array[]; weights: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = seededModel();
  const x = tf.tensor4d(batch.x, [6, 12, 12, 3]);
  const y = tf.tensor1d(batch.y, 'int32');
  const optimizer = tf.train.sgd(0.1);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let grads: Float32Array[] = [];
  for (let s = 0; s < steps; s++) {
    grads = tf.tidy(() => {
      const g = tf.variableGrads(() => loss(model, x, y), vars).grads;
      const out = vars.map((v) => Float32Array.from(g[v.name].dataSync()));
      optimizer.applyGradients(g);
      return out;
    });
  }
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { grads, weights };
}

describe('training on native', { skip: skipReason }, () => {
  before(setup);

  for (const threads of [1, 2]) {
    it(`gives every gradient and weight the cpu backend gives, over three steps, on ${threads} threads`, async () => {
      setNativeThreads(threads);
      try {
        const cpu = await train('cpu', 3);
        const native = await train('native', 3);
        cpu.grads.forEach((g, i) => expectClose(native.grads[i], g, { atol: 1e-4, rtol: 1e-3 }, `gradient ${i}`));
        cpu.weights.forEach((w, i) => expectClose(native.weights[i], w, { atol: 1e-4, rtol: 1e-3 }, `weight ${i}`));
      } finally {
        setNativeThreads(1);
      }
    });
  }

  it('does not grow the tensor count or memory over repeated steps', async () => {
    await tf.setBackend('native');
    const model = seededModel();
    const x = tf.tensor4d(batch.x, [6, 12, 12, 3]);
    const y = tf.tensor1d(batch.y, 'int32');
    const optimizer = tf.train.sgd(0.01);
    const step = () =>
      tf.tidy(() => {
        optimizer.minimize(() => loss(model, x, y));
      });
    step();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) step();
    const after = tf.memory();
    assert.equal(after.numTensors, before.numTensors);
    assert.equal(after.numBytes, before.numBytes);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });

  it('keeps arrays read with dataSync intact after their tensor is disposed', async () => {
    await tf.setBackend('native');
    const a = tf.relu(tf.tensor1d(values(10000, 2)));
    const read = a.dataSync();
    const copy = Float32Array.from(read);
    a.dispose();
    // Same-sized outputs would reuse a recycled array.
    const others = [tf.relu(tf.tensor1d(values(10000, 3))), tf.neg(tf.tensor1d(values(10000, 4)))];
    assert.deepEqual(read, copy);
    tf.dispose(others);
  });
});
