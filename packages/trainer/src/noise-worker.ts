// Worker thread of NoiseSource: draws the standard normals of one step's perturbation.
import { parentPort } from 'node:worker_threads';
import { streamFor } from '@rwp/random';

export interface NoiseRequest {
  seed: number;
  step: number;
  role: number;
  out: Float32Array;
}

parentPort?.on('message', (r: NoiseRequest) => {
  streamFor(r.seed, 'noise', r.step, r.role).fillNormal(r.out);
  parentPort!.postMessage(r, [r.out.buffer as ArrayBuffer]);
});
