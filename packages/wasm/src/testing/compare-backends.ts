import * as tf from '@tensorflow/tfjs-core';

/** Deterministic values in [-1, 1) from a 32-bit LCG, so both backends get the same inputs. */
export function seededValues(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** max |a - b| over max |b|: the error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Runs `f` on backend `name` and returns its result's values, leaving no tensors behind. */
export async function valuesOn(name: string, f: () => tf.Tensor): Promise<Float32Array> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  const t = tf.tidy(f);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Data buffers the current backend holds, intermediates of kernels included. */
export function backendDataIds(): number {
  return tf.backend().numDataIds();
}
