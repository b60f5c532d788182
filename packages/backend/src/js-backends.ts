import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvFilterGrad } from '@rwp/wasm';
import { failed, type Attempt } from './attempt.js';

export async function loadWasm(): Promise<Attempt> {
  registerWasmConvFilterGrad();
  if (!(await tf.setBackend('wasm'))) return failed('wasm', 'backend failed to start');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  // tfjs runs wasm single-threaded in Node whatever is asked, so report what it actually uses.
  const threads = getThreadsCount();
  const detail = `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
  return { ok: true, tfBackend: tf.getBackend(), threads, detail };
}

export async function loadCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) return failed('cpu', 'backend failed to start');
  return { ok: true, tfBackend: tf.getBackend(), threads: 1, detail: 'cpu (pure JavaScript, 1 thread)' };
}
