// Filter-wise Gaussian perturbation (rwp-method.md section 2). TensorFlow.js stores the output
// axis LAST (conv [kh, kw, in, out], dense [in, out]), so filter j is every element whose
// index modulo `out` is j: the norm runs over every axis but the last.

/** Norm of each output filter of a weight tensor stored output-axis-last. */
export function filterNorms(values: Float32Array, shape: readonly number[]): Float64Array {
  const out = shape[shape.length - 1];
  const sq = new Float64Array(out);
  // Row by row, not sq[i % out]: the same sums in the same order, without a division per element.
  for (let row = 0; row < values.length; row += out) {
    for (let j = 0; j < out; j++) {
      const v = values[row + j];
      sq[j] += v * v;
    }
  }
  for (let j = 0; j < out; j++) sq[j] = Math.sqrt(sq[j]);
  return sq;
}

/**
 * Writes into `eps` the noise for one weight tensor from standard normals `z` (one per element,
 * in element order): for kernels (rank >= 2) element (.., j) is z * gamma ||W_j||, i.e.
 * N(0, (gamma ||W_j||)^2); for vectors (bias, BatchNorm gamma/beta) every element is
 * z * gamma (||W|| + 1e-16). `factors` (ARWP) multiplies the std of each filter: one per output
 * channel of a kernel, one per element of a vector.
 */
export function filterwiseNoise(
  values: Float32Array,
  shape: readonly number[],
  gamma: number,
  z: Float32Array,
  eps: Float32Array = new Float32Array(values.length),
  factors?: Float64Array,
): Float32Array {
  if (eps.length !== values.length || z.length !== values.length) throw new RangeError('eps, z and values differ in length');
  const filters = shape.length >= 2 ? shape[shape.length - 1] : values.length;
  if (factors && factors.length !== filters) throw new RangeError(`expected ${filters} noise factors, got ${factors.length}`);
  if (shape.length >= 2) {
    const norms = filterNorms(values, shape);
    const out = norms.length;
    for (let j = 0; j < out; j++) norms[j] *= factors ? gamma * factors[j] : gamma;
    for (let row = 0; row < values.length; row += out) {
      for (let j = 0; j < out; j++) eps[row + j] = z[row + j] * norms[j];
    }
  } else {
    let sq = 0;
    for (let i = 0; i < values.length; i++) sq += values[i] * values[i];
    const std = gamma * (Math.sqrt(sq) + 1e-16);
    if (factors) for (let i = 0; i < values.length; i++) eps[i] = z[i] * (std * factors[i]);
    else for (let i = 0; i < values.length; i++) eps[i] = z[i] * std;
  }
  return eps;
}

/** `out` = values + filterwiseNoise(...): the weights of a perturbed pass. */
export function perturbedWeights(
  values: Float32Array,
  shape: readonly number[],
  gamma: number,
  z: Float32Array,
  out: Float32Array,
  factors?: Float64Array,
): Float32Array {
  filterwiseNoise(values, shape, gamma, z, out, factors);
  for (let i = 0; i < values.length; i++) out[i] += values[i];
  return out;
}

/** The signature of perturbedWeights, which @rwp/native's perturbFilterwise also implements, bit for bit. */
export type PerturbedWeights = typeof perturbedWeights;
