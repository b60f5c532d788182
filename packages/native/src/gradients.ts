// Shorter gradients for two ops on the native backend. TensorFlow.js composes the gradient of
// a training-mode BatchNorm from some 25 passes over the activations (its FusedBatchNorm
// gradient alone has 14: tiles, products and sums); in a ResNet those outweighed everything but
// the convolutions. The same values come from 9 passes with:
// - FusedBatchNorm: dx = dy * scale / sqrt(variance + eps), one pass; the mean, variance,
//   scale and offset gradients from two per-channel sums made in one pass (BATCH_NORM_SUMS);
// - Mean: dy / n broadcast in one pass (a Tile), where TensorFlow.js multiplies by a tensor of
//   ones and divides.
// The registry of gradients is global, so each override falls back to the original gradient on
// other backends and in cases it does not cover (higher-order gradients included). It wraps the
// gradient registered when the backend is: tfjs-layers and @tensorflow/tfjs register theirs when
// imported, so one imported later puts back the originals (same values, slower).
import * as tf from '@tensorflow/tfjs-core';
import { FusedBatchNorm, Mean, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';
import { BATCH_NORM_SUMS } from './kernels/batchnorm.js';

type Grads = Record<string, () => Tensor>;
type Fast = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => Grads | null;

function override(kernelName: string, backendName: string, fast: Fast): void {
  const original: GradConfig | undefined = tf.getGradient(kernelName);
  if (!original) return;
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) =>
      (tf.getBackend() === backendName && !Array.isArray(dy) && fast(dy, saved, attrs)) ||
      original.gradFunc(dy, saved, attrs),
  });
}

/** Gradients of y = (x - mean) * scale / sqrt(variance + eps) + offset, per channel. */
const batchNormGrad: Fast = (dy, saved, attrs) => {
  const [x, mean, variance, scale] = saved;
  const channels = x.shape[x.rank - 1];
  const perChannel = (t: Tensor | undefined) => t === undefined || (t.rank === 1 && t.shape[0] === channels);
  // BATCH_NORM_SUMS has no gradient: leave second-order gradients to the original.
  if (tf.engine().state.gradientDepth > 0 || x.dtype !== 'float32' || mean.rank !== 1) return null;
  if (![mean, variance, scale].every(perChannel)) return null;
  const eps = (attrs.varianceEpsilon as number | undefined) ?? 0.001;
  const rsqrt = tf.rsqrt(tf.add(variance, eps));
  const scaled = scale ? tf.mul(scale, rsqrt) : rsqrt;
  const [sumDy, sumDyXc] = tf.engine().runKernel(BATCH_NORM_SUMS, { dy, x, mean }) as Tensor[];
  const gamma = scale ?? tf.scalar(1);
  return {
    x: () => tf.mul(dy, scaled),
    mean: () => tf.neg(tf.mul(scaled, sumDy)),
    variance: () => tf.mul(tf.mul(tf.mul(gamma, tf.pow(rsqrt, 3)), sumDyXc), -0.5),
    scale: () => tf.mul(rsqrt, sumDyXc),
    offset: () => sumDy,
  };
};

const meanGrad: Fast = (dy, saved, attrs) => {
  const [x] = saved;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy, expanded), count), x.shape) };
};

export function registerNativeGradients(backendName: string): void {
  override(FusedBatchNorm, backendName, batchNormGrad);
  override(Mean, backendName, meanGrad);
}
