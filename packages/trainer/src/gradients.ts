// One forward and backward pass on a batch: the scaled loss's gradient written into a flat
// buffer, and the unscaled loss and number of correct predictions for the metrics. Gradient,
// loss and count leave the device together, in one read.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Batch as Pixels } from '@rwp/data';
import type { FlatVars } from './params.js';

/** A batch as the data package makes it, with the image shape the model takes it in. */
export interface Batch extends Pixels {
  shape: [number, number, number];
}

export interface PassResult {
  loss: number;
  correct: number;
  count: number;
}

function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const onehot = tf.oneHot(labels, classes);
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

function correctCount(logits: tf.Tensor, labels: tf.Tensor1D): tf.Tensor {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32'));
}

function inputs(batch: Batch): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return { x: tf.tensor4d(batch.x, [batch.y.length, ...batch.shape]), y: tf.tensor1d(batch.y, 'int32') };
}

/** Gradient of scale * mean cross-entropy at the model's current weights, into `out`. */
export async function lossGradient(model: LayersModel, vars: FlatVars, batch: Batch, scale: number, classes: number, out: Float32Array): Promise<PassResult> {
  const packed = tf.tidy(() => {
    const { x, y } = inputs(batch);
    let metrics: tf.Tensor[] = [];
    const { grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      const loss = crossEntropy(logits, y, classes);
      metrics = [tf.keep(tf.reshape(loss, [1])), tf.keep(tf.reshape(correctCount(logits, y), [1]))];
      return tf.mul(loss, scale) as tf.Scalar;
    }, vars.variables());
    const parts = vars.slots.map((s) => {
      const g = grads[(s.variable.read() as tf.Variable).name];
      if (!g) throw new Error(`no gradient for ${s.name}: is it used by the model?`);
      return tf.reshape(g, [-1]);
    });
    const all = tf.concat([...parts, ...metrics]);
    tf.dispose(metrics);
    return all;
  });
  const values = (await packed.data()) as Float32Array;
  packed.dispose();
  out.set(values.subarray(0, vars.size));
  return { loss: values[vars.size], correct: values[vars.size + 1], count: batch.y.length };
}

/** Loss and correct predictions in inference mode (BatchNorm uses its moving statistics). */
export async function evaluateBatch(model: LayersModel, batch: Batch, classes: number): Promise<PassResult> {
  const packed = tf.tidy(() => {
    const { x, y } = inputs(batch);
    const logits = model.apply(x, { training: false }) as tf.Tensor;
    return tf.stack([crossEntropy(logits, y, classes), correctCount(logits, y)]);
  });
  const [loss, correct] = (await packed.data()) as Float32Array;
  packed.dispose();
  return { loss, correct, count: batch.y.length };
}
