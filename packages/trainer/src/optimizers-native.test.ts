// The addon's sgdUpdate and samAscent, as the methods call them (methods/kernels.ts), against
// their JS twins: the same bits on every branch, so ranks with and without the addon keep the
// same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeSamAscent, nativeSgdUpdate } from '@rwp/native/host-kernels';
import { streamFor } from '@rwp/random';
import { pickKernel } from './methods/kernels.js';
import { samAscentWeights } from './sam.js';
import { sgdUpdate } from './sgd.js';

const native = nativeSgdUpdate();
const sam = nativeSamAscent();
const skip = native === null || sam === null ? 'the native addon is not built (npm run build:native -w @rwp/native)' : false;

const bits = (a: Float32Array) => new Uint32Array(a.buffer);

test('sgdUpdate in the addon gives the JS bits over several steps, with and without momentum', { skip }, () => {
  const n = 50_000;
  const s = streamFor(2, 'sgd');
  for (const h of [{ lr: 0.05, momentum: 0.9, weightDecay: 5e-4 }, { lr: 0.1, momentum: 0, weightDecay: 0 }, { lr: 0.003, momentum: 0.5, weightDecay: 0.1 }]) {
    const w = s.fillNormal(new Float32Array(n));
    const wNative = w.slice();
    const buf = new Float32Array(n);
    const bufNative = new Float32Array(n);
    for (let step = 0; step < 4; step++) {
      // Gradients across many binades, so a difference in rounding would show.
      const g = Float32Array.from(s.fillNormal(new Float32Array(n)), (x, i) => x * 2 ** -(i % 30));
      sgdUpdate(w, g, buf, h, step === 0);
      pickKernel('sgdUpdate', 'native')(wNative, g, bufNative, h, step === 0);
      assert.deepEqual(bits(wNative), bits(w), `weights, step ${step}, ${JSON.stringify(h)}`);
      assert.deepEqual(bits(bufNative), bits(buf), `momentum, step ${step}, ${JSON.stringify(h)}`);
    }
  }
});

test("the addon's sgdUpdate refuses arrays of different lengths", { skip }, () => {
  assert.throws(() => native!(new Float32Array(4), new Float32Array(3), new Float32Array(4), 0.1, 0.9, 0, false), /same length/);
});

test('samAscent in the addon gives the JS ascent weights bit for bit, plain and adaptive', { skip }, () => {
  const n = 60_000;
  const s = streamFor(3, 'sam');
  const w = Float32Array.from(s.fillNormal(new Float32Array(n)), (x, i) => (i % 89 === 0 ? 0 : x * 2 ** -(i % 17)));
  const g = Float32Array.from(s.fillNormal(new Float32Array(n)), (x, i) => x * 2 ** -(i % 23));
  for (const adaptive of [false, true]) {
    for (const rho of [0.05, 2]) {
      const want = samAscentWeights(w, g, rho, adaptive, new Float32Array(n));
      const got = new Float32Array(n);
      pickKernel('samAscent', 'native')(w, g, rho, adaptive, got);
      assert.deepEqual(bits(got), bits(want), `adaptive ${adaptive}, rho ${rho}`);
    }
  }
  assert.throws(() => sam!(w, g.subarray(1), 0.05, false, new Float32Array(n)), /same length/);
});
