// Worker thread of NoiseSource: draws the standard normals of one step's perturbation, in the
// addon where the run asks for it (methods/kernels.ts), so the thread takes less of the cores
// the ranks share.
import { parentPort, workerData } from 'node:worker_threads';
import { streamFor } from '@rwp/random';
import { pickKernel, type KernelChoice } from './methods/kernels.js';

export interface NoiseRequest {
  seed: number;
  step: number;
  role: number;
  out: Float32Array;
}

const kernel = pickKernel('fillNormal', workerData as KernelChoice);

parentPort?.on('message', (r: NoiseRequest) => {
  streamFor(r.seed, 'noise', r.step, r.role).fillNormal(r.out, 1, kernel);
  parentPort!.postMessage(r, [r.out.buffer as ArrayBuffer]);
});
