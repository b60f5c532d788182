// What the allreduce scenario of rank-worker.ts wrote, checked: a float64 reference, the same
// bits on every rank.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rankData } from './data.js';

const U = 2 ** -24; // float32 unit roundoff

export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/**
 * Every rank's result has the same bytes, and each element is within the rounding bound of a
 * float32 sum of N terms, (N-1)·u·Σ|x|, of the float64 sum (plus one rounding for the mean).
 */
export function checkResults(dir: string, worldSize: number, lengths: number[]): void {
  for (const length of lengths) {
    for (const op of ['sum', 'mean'] as const) {
      const results = [...Array(worldSize).keys()].map((r) => readF32(join(dir, `${op}-${length}-rank${r}.f32`)));
      const inputs = [...Array(worldSize).keys()].map((r) => rankData(r, length, op === 'sum' ? 0 : 1));
      for (let r = 1; r < worldSize; r++) {
        assert.ok(Buffer.from(results[r].buffer).equals(Buffer.from(results[0].buffer)), `${op} of ${length} elements: rank ${r} differs from rank 0`);
      }
      const got = results[0];
      assert.equal(got.length, length);
      for (let i = 0; i < length; i++) {
        let sum = 0;
        let abs = 0;
        for (const x of inputs) {
          sum += x[i];
          abs += Math.abs(x[i]);
        }
        const ref = op === 'sum' ? sum : sum / worldSize;
        const bound = op === 'sum' ? (worldSize - 1) * U * abs : ((worldSize - 1) * U * abs) / worldSize + U * Math.abs(ref);
        if (!(Math.abs(got[i] - ref) <= bound * (1 + 1e-9))) {
          assert.fail(`${op} of ${length} elements over ${worldSize} ranks: element ${i} is ${got[i]}, reference ${ref}, allowed error ${bound}`);
        }
      }
    }
  }
}
