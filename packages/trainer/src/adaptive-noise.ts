// ARWP's adaptive perturbation (Li et al., TMLR 2024; code nblt/mARWP): the noise of each filter
// is divided by sqrt(1 + eta * F_j), where F is a decayed sum of squared perturbed gradients,
// F <- beta * F + g^2 element-wise in the original, summed over the filter when used. The decay
// is linear, so the per-filter sum is kept and updated directly: F_j <- beta * F_j + sum_j g^2.
// A "filter" is an output channel of a kernel (tfjs: the LAST axis) and, as in the original
// (which views a vector of n as n rows), each single element of a vector (bias, BatchNorm).

/** Filters of one tensor: the last axis of a kernel, every element of a vector. */
export function filterCount(shape: readonly number[]): number {
  if (shape.length >= 2) return shape[shape.length - 1];
  return shape.reduce((a, b) => a * b, 1);
}

/** Where each tensor's filters start in one flat per-filter array, and its total length. */
export function filterOffsets(shapes: ReadonlyArray<readonly number[]>): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const s of shapes) {
    offsets.push(total);
    total += filterCount(s);
  }
  return { offsets, total };
}

/** Where each tensor's filters lie in one flat per-filter array: [start, end). */
export function filterRanges(shapes: ReadonlyArray<readonly number[]>): Array<[number, number]> {
  const { offsets, total } = filterOffsets(shapes);
  return offsets.map((start, k) => [start, offsets[k + 1] ?? total]);
}

/**
 * Per-filter sum of squares of `g / scale` into `out`: `g` is the gradient of scale * loss (the
 * rank's loss weight), F wants the gradient of the loss itself. scale 0 contributes nothing.
 */
export function filterSquares(g: Float32Array, shape: readonly number[], scale: number, out: Float32Array): Float32Array {
  const n = filterCount(shape);
  if (out.length !== n) throw new RangeError(`expected ${n} filters, got ${out.length}`);
  const sq = new Float64Array(n);
  // Row by row (a vector is one row), as filterNorms: no division per element.
  for (let row = 0; row < g.length; row += n) {
    for (let j = 0; j < n; j++) {
      const v = g[row + j];
      sq[j] += v * v;
    }
  }
  const k = scale === 0 ? 0 : 1 / (scale * scale);
  for (let j = 0; j < n; j++) out[j] = sq[j] * k;
  return out;
}

/** F <- beta * F + s, in place. */
export function updateFisher(fisher: Float32Array, squares: Float32Array, beta: number): void {
  if (fisher.length !== squares.length) throw new RangeError('updateFisher: length mismatch');
  for (let j = 0; j < fisher.length; j++) fisher[j] = beta * fisher[j] + squares[j];
}

/** The factor each filter's noise std is multiplied by: 1 / sqrt(1 + eta * F_j). */
export function noiseFactors(fisher: Float32Array, eta: number, out: Float64Array = new Float64Array(fisher.length)): Float64Array {
  for (let j = 0; j < fisher.length; j++) out[j] = 1 / Math.sqrt(1 + eta * fisher[j]);
  return out;
}

/**
 * The noise scale at optimizer step `step` of `total`: the original's CosineInc,
 * gamma * (1 + inc * (1 - cos(pi * step / total)) / 2), from gamma to gamma * (1 + inc).
 */
export function sigmaAt(gamma: number, inc: number, step: number, total: number): number {
  if (inc === 0) return gamma;
  const rise = 0.5 - 0.5 * Math.cos((Math.PI * step) / total);
  return gamma * (1 + inc * rise);
}
