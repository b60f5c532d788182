// Helpers for the tests: run the same computation on the cpu backend and on `native` and
// compare, and spy on the addon to check that the native path ran.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered by tfjs-layers (or @tensorflow/tfjs), not by tfjs-core alone.
import '@tensorflow/tfjs-layers';
import { type Addon, loadAddon } from '../addon.js';
import { registerNativeBackend } from '../index.js';

const loaded = loadAddon();

/** Why the native tests cannot run (the addon is not built), or undefined. */
export const skipReason: string | undefined = 'error' in loaded ? loaded.error : undefined;

export async function setup(): Promise<void> {
  const r = await registerNativeBackend({ threads: 1 });
  assert.ok(r.ok, r.ok ? '' : r.reason);
}

export function addon(): Addon {
  if ('error' in loaded) throw new Error(loaded.error);
  return loaded.addon;
}

/** Deterministic values in [-1, 1) (a linear congruential generator seeded by `seed`). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** The outputs of `f` (a tensor or list), computed on `backend`, as plain arrays with shapes. */
async function outputsOn(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<{ shape: number[]; data: Float32Array }[]> {
  await tf.setBackend(backend);
  assert.equal(tf.getBackend(), backend);
  const out = tf.tidy(() => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  });
  const result = out.map((t) => ({ shape: t.shape, data: Float32Array.from(t.dataSync()) }));
  tf.dispose(out);
  return result;
}

export interface Tolerance {
  /** Absolute slack, added to rtol * |expected|. */
  atol?: number;
  rtol?: number;
}

/** Runs f on cpu and native and asserts equal shapes and values within the tolerance. */
export async function expectSameOnBoth(f: () => tf.Tensor | tf.Tensor[], tol: Tolerance = {}, what = ''): Promise<void> {
  const expected = await outputsOn('cpu', f);
  const actual = await outputsOn('native', f);
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < expected.length; k++) {
    assert.deepEqual(actual[k].shape, expected[k].shape, `${what} output ${k}: shape`);
    expectClose(actual[k].data, expected[k].data, tol, `${what} output ${k}`);
  }
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}, what = ''): void {
  const { atol = 1e-5, rtol = 1e-5 } = tol;
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: ${a}, expected NaN`);
      continue;
    }
    if (a === e) continue;
    const err = Math.abs(a - e);
    assert.ok(err <= atol + rtol * Math.abs(e), `${what}[${i}]: ${a}, expected ${e} (error ${err})`);
  }
}

/** Counts calls of an addon function until restored. */
export function spy(name: keyof Addon): { count: () => number; restore: () => void } {
  const a = addon() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = a[name];
  let calls = 0;
  a[name] = (...args: unknown[]) => {
    calls += 1;
    return original.apply(a, args);
  };
  return {
    count: () => calls,
    restore: () => {
      a[name] = original;
    },
  };
}

/** Runs f and asserts the addon function `name` ran (or did not, with expectNative false). */
export async function expectNative(name: keyof Addon, f: () => Promise<void>, expectNative = true): Promise<void> {
  const s = spy(name);
  try {
    await f();
  } finally {
    s.restore();
  }
  if (expectNative) assert.ok(s.count() > 0, `the addon's ${name} did not run`);
  else assert.equal(s.count(), 0, `the addon's ${name} ran where the cpu kernel should`);
}
