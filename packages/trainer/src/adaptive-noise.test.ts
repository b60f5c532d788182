import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterCount, filterOffsets, filterSquares, noiseFactors, sigmaAt, updateFisher } from './adaptive-noise.js';
import { filterwiseNoise } from './perturbation.js';

const near = (got: ArrayLike<number>, want: number[], tol = 1e-6) => {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol, `[${i}]: ${got[i]} != ${want[i]}`);
};

test('filters: the last axis of a kernel, every element of a vector; laid end to end', () => {
  assert.equal(filterCount([3, 3, 2, 4]), 4);
  assert.equal(filterCount([2, 5]), 5);
  assert.equal(filterCount([7]), 7);
  assert.deepEqual(filterOffsets([[2, 3], [3], [1, 1, 2, 2]]), { offsets: [0, 3, 6], total: 8 });
});

test('per-filter squares of the unscaled gradient: kernel over all axes but the last, vector per element', () => {
  // dense kernel [in=2, out=3]: filter j is elements j and 3 + j
  const g = new Float32Array([1, 2, 3, 4, 5, 6]);
  near(filterSquares(g, [2, 3], 1, new Float32Array(3)), [1 + 16, 4 + 25, 9 + 36]);
  // the gradient of 2 * loss: the squares of the loss's own gradient are a quarter of these
  near(filterSquares(g, [2, 3], 2, new Float32Array(3)), [17 / 4, 29 / 4, 45 / 4]);
  near(filterSquares(new Float32Array([1, -2, 3]), [3], 1, new Float32Array(3)), [1, 4, 9]);
  near(filterSquares(g, [2, 3], 0, new Float32Array(3)), [0, 0, 0]);
  assert.throws(() => filterSquares(g, [2, 3], 1, new Float32Array(2)), /expected 3 filters/);
});

test('F <- beta F + squares, a decayed sum (no 1 - beta factor)', () => {
  const f = new Float32Array([0, 0]);
  updateFisher(f, new Float32Array([3, 4]), 0.5);
  near(f, [3, 4]);
  updateFisher(f, new Float32Array([1, 2]), 0.5);
  near(f, [0.5 * 3 + 1, 0.5 * 4 + 2]);
});

test('noise std of filter j is multiplied by 1 / sqrt(1 + eta F_j)', () => {
  near(noiseFactors(new Float32Array([0, 30, 80]), 0.1), [1, 1 / 2, 1 / 3], 1e-12);
  near(noiseFactors(new Float32Array([5, 9]), 0), [1, 1], 0);
});

test('adaptive filter-wise noise: z * gamma ||W_j|| * factor_j, a vector per element', () => {
  // dense kernel [in=2, out=2]: ||W_0|| = ||(3, 4)|| = 5, ||W_1|| = ||(0, 1)|| = 1
  const w = new Float32Array([3, 0, 4, 1]);
  const z = new Float32Array([1, 1, -1, 2]);
  near(filterwiseNoise(w, [2, 2], 0.1, z, undefined, Float64Array.from([0.5, 2])), [0.25, 0.2, -0.25, 0.4]);
  // the same without factors is RWP's noise
  near(filterwiseNoise(w, [2, 2], 0.1, z), [0.5, 0.1, -0.5, 0.2]);
  // a vector: one norm (5) for all, a factor per element
  near(filterwiseNoise(new Float32Array([3, 4]), [2], 0.1, new Float32Array([1, 1]), undefined, Float64Array.from([1, 0.5])), [0.5, 0.25]);
  assert.throws(() => filterwiseNoise(w, [2, 2], 0.1, z, undefined, Float64Array.from([1])), /expected 2 noise factors/);
});

test('two ARWP steps by hand: F from the perturbed gradients, then the next noise shrinks', () => {
  // one dense kernel [in=2, out=2], beta 0.99, eta 0.1; perturbed gradients of steps 1 and 2
  const shape = [2, 2];
  const f = new Float32Array(2);
  const s = new Float32Array(2);
  updateFisher(f, filterSquares(new Float32Array([1, 2, 3, 0]), shape, 1, s), 0.99);
  near(f, [10, 4]);
  updateFisher(f, filterSquares(new Float32Array([0, 1, 2, 1]), shape, 1, s), 0.99);
  near(f, [0.99 * 10 + 4, 0.99 * 4 + 2]);
  // step 3's noise: std gamma ||W_j|| / sqrt(1 + 0.1 F_j)
  const w = new Float32Array([3, 0, 4, 1]);
  const eps = filterwiseNoise(w, shape, 0.01, new Float32Array([1, 1, 1, 1]), undefined, noiseFactors(f, 0.1));
  near(eps, [0.05 / Math.sqrt(1 + 1.39), 0.01 / Math.sqrt(1 + 0.596), 0.05 / Math.sqrt(1 + 1.39), 0.01 / Math.sqrt(1 + 0.596)], 1e-7);
});

test("sigma rises on the original's cosine: gamma at step 0, gamma (1 + inc) at the end", () => {
  assert.equal(sigmaAt(0.001, 10, 0, 100), 0.001);
  assert.ok(Math.abs(sigmaAt(0.001, 10, 50, 100) - 0.006) < 1e-15);
  assert.ok(Math.abs(sigmaAt(0.001, 10, 100, 100) - 0.011) < 1e-15);
  assert.equal(sigmaAt(0.02, 0, 70, 100), 0.02);
});
