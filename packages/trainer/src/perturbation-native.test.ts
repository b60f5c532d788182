// The native addon's perturbFilterwise, as the methods call it (methods/kernels.ts), against
// perturbedWeights in JS: the same bits, so a run perturbs the same way whether or not the addon
// is built (setup.sh builds it; CI runs this).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativePerturbation } from '@rwp/native';
import { streamFor } from '@rwp/random';
import { pickKernel } from './methods/kernels.js';

const native = nativePerturbation();
const skip = native === null ? 'the native addon is not built (npm run build:native -w @rwp/native)' : false;

function values(n: number, key: number): Float32Array {
  const s = streamFor(key, 'values');
  // Magnitudes across many binades, and exact zeros, so rounding differences would show.
  return Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : s.normal() * 2 ** s.int(20) * 1e-3));
}

const SHAPES: number[][] = [[3, 3, 1, 32], [3136, 128], [128, 10], [64], [1], [5, 7, 3, 1]];

test('perturbFilterwise gives perturbedWeights bit for bit: kernels, vectors, ARWP factors', { skip }, () => {
  SHAPES.forEach((shape, k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const w = values(n, k);
    const z = streamFor(k, 'z').fillNormal(new Float32Array(n));
    const factorCount = shape.length >= 2 ? shape[shape.length - 1] : n;
    for (const factors of [undefined, Float64Array.from({ length: factorCount }, (_, j) => 1 / Math.sqrt(1 + 0.1 * j))]) {
      for (const gamma of [0.01, 0.5, 0]) {
        const want = pickKernel('perturbFilterwise', 'js')(w, shape, gamma, z, new Float32Array(n), factors);
        const got = pickKernel('perturbFilterwise', 'native')(w, shape, gamma, z, new Float32Array(n), factors);
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `shape ${shape}, gamma ${gamma}, factors ${factors !== undefined}`);
      }
    }
  });
});

test('perturbFilterwise refuses arguments that do not fit, naming them', { skip }, () => {
  const w = new Float32Array(12);
  assert.throws(() => native!(w, new Float32Array(12), new Float32Array(12), 5, 0.1, null), /filters must divide the length/);
  assert.throws(() => native!(w, new Float32Array(11), new Float32Array(12), 4, 0.1, null), /argument 1 has 11/);
  assert.throws(() => native!(w, new Float32Array(12), new Float32Array(12), 4, 0.1, new Float64Array(3)), /one factor per filter/);
  assert.throws(() => native!(w, new Float32Array(12), new Float32Array(12), 4, 0.1, new Float32Array(4) as unknown as Float64Array), /Float64Array/);
});
