// One forward and backward pass on a batch: the scaled loss's gradient written into a flat
// buffer, and the unscaled loss and number of correct predictions for the metrics.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { FlatVars } from './params.js';

export interface Batch {
  x: Float32Array;
  y: Int32Array;
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

/** Gradient of scale * mean cross-entropy at the model's current weights, into `out`. */
export function lossGradient(model: LayersModel, vars: FlatVars, batch: Batch, scale: number, classes: number, out: Float32Array): PassResult {
  const n = batch.y.length;
  const result = tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [n, ...batch.shape]);
    const y = tf.tensor1d(batch.y, 'int32');
    let kept: { loss: tf.Scalar; correct: tf.Scalar } | null = null;
    const { grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      const loss = crossEntropy(logits, y, classes);
      kept = { loss: tf.keep(loss.clone()), correct: tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), y), 'int32'))) };
      return tf.mul(loss, scale) as tf.Scalar;
    }, vars.variables());
    for (const s of vars.slots) {
      const g = grads[(s.variable.read() as tf.Variable).name];
      if (!g) throw new Error(`no gradient for ${s.name}: is it used by the model?`);
      out.set(g.dataSync() as Float32Array, s.offset);
    }
    const k = kept as unknown as { loss: tf.Scalar; correct: tf.Scalar };
    const values = { loss: k.loss.dataSync()[0], correct: k.correct.dataSync()[0] };
    tf.dispose([k.loss, k.correct]);
    return values;
  });
  return { ...result, count: n };
}

/** Loss and correct predictions in inference mode (BatchNorm uses its moving statistics). */
export function evaluateBatch(model: LayersModel, batch: Batch, classes: number): PassResult {
  const n = batch.y.length;
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [n, ...batch.shape]);
    const y = tf.tensor1d(batch.y, 'int32');
    const logits = model.apply(x, { training: false }) as tf.Tensor;
    const loss = crossEntropy(logits, y, classes).dataSync()[0];
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), y), 'int32')).dataSync()[0];
    return { loss, correct, count: n };
  });
}
