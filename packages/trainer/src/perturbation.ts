// Filter-wise Gaussian perturbation (rwp-method.md section 2). TensorFlow.js stores the output
// axis LAST (conv [kh, kw, in, out], dense [in, out]), so filter j is every element whose
// index modulo `out` is j: the norm runs over every axis but the last.
import type { RandomStream } from '@rwp/random';

/** Norm of each output filter of a weight tensor stored output-axis-last. */
export function filterNorms(values: Float32Array, shape: readonly number[]): Float64Array {
  const out = shape[shape.length - 1];
  const sq = new Float64Array(out);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sq[i % out] += v * v;
  }
  for (let j = 0; j < out; j++) sq[j] = Math.sqrt(sq[j]);
  return sq;
}

/**
 * Writes into `eps` the noise for one weight tensor: for kernels (rank >= 2) element (.., j) is
 * N(0, (gamma ||W_j||)^2); for vectors (bias, BatchNorm gamma/beta) every element is
 * N(0, (gamma (||W|| + 1e-16))^2).
 */
export function filterwiseNoise(
  values: Float32Array,
  shape: readonly number[],
  gamma: number,
  rng: RandomStream,
  eps: Float32Array = new Float32Array(values.length),
): Float32Array {
  if (eps.length !== values.length) throw new RangeError('eps and values differ in length');
  if (shape.length >= 2) {
    const norms = filterNorms(values, shape);
    const out = norms.length;
    for (let j = 0; j < out; j++) norms[j] *= gamma;
    // Row by row (every output filter once per row), in element order, so the draws stay in order.
    for (let row = 0; row < values.length; row += out) {
      for (let j = 0; j < out; j++) eps[row + j] = rng.normal() * norms[j];
    }
  } else {
    let sq = 0;
    for (let i = 0; i < values.length; i++) sq += values[i] * values[i];
    const std = gamma * (Math.sqrt(sq) + 1e-16);
    for (let i = 0; i < values.length; i++) eps[i] = rng.normal() * std;
  }
  return eps;
}
