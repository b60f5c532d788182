import * as tf from '@tensorflow/tfjs-core';
// cpu is the reference the wasm results are compared against.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvFilterGrad } from '../wasm-conv-filter-grad.js';

/** Makes wasm, with this package's kernels registered, the current backend. */
export async function useWasm(): Promise<void> {
  registerWasmConvFilterGrad();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
}
