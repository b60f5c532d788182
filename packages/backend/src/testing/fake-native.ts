import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * Stand-in for @rwp/native in tests, with its registerNativeBackend contract: threads 2 is
 * refused, threads 3 throws, anything else registers a backend named "fake-native".
 */
export async function registerNativeBackend(opts: { threads: number }) {
  if (opts.threads === 2) return { ok: false, reason: 'no BLAS library found' };
  if (opts.threads === 3) throw new Error('addon crashed');
  tf.registerBackend('fake-native', () => new MathBackendCPU());
  return { ok: true, name: 'fake-native', detail: `fake BLAS, ${opts.threads} threads` };
}
