// Worker thread of NoiseSource: draws the standard normals of one step's perturbation, in the
// addon where it is built (~1.8 ms for the cnn's 421,642 weights against ~4.7 in JS, the same
// numbers: tested), so the thread takes less of the cores the ranks share.
import { parentPort } from 'node:worker_threads';
import { nativeNormals } from '@rwp/native/host-kernels';
import { streamFor } from '@rwp/random';

export interface NoiseRequest {
  seed: number;
  step: number;
  role: number;
  out: Float32Array;
}

const kernel = nativeNormals() ?? undefined;

parentPort?.on('message', (r: NoiseRequest) => {
  streamFor(r.seed, 'noise', r.step, r.role).fillNormal(r.out, 1, kernel);
  parentPort!.postMessage(r, [r.out.buffer as ArrayBuffer]);
});
