// Test helpers: a small model's fresh training state and random batches for it, for the tests
// that drive a Stepper directly.
import { buildModel } from '@rwp/models';
import { streamFor } from '@rwp/random';
import type { Batch } from '../gradients.js';
import { modelVars } from '../params.js';
import { emptyFisher, type TrainState } from '../stepper.js';

/** An MLP on 4x4x1 images, or a narrow ResNet-20 (convolutions, BatchNorm) on 8x8x3; 3 classes, seed 5. */
export async function freshState(arch: 'mlp' | 'resnet20' = 'mlp'): Promise<TrainState> {
  const model = buildModel({ arch, inputShape: arch === 'mlp' ? [4, 4, 1] : [8, 8, 3], numClasses: 3, seed: 5, width: arch === 'mlp' ? 1 / 32 : 1 / 4 });
  const { trainable, buffers } = modelVars(model);
  return { model, trainable, buffers, weights: await trainable.read(), momentum: new Float32Array(trainable.size), step: 0, fisher: emptyFisher(trainable) };
}

/** `n` images of normal pixels with labels among 3 classes, from key `key`. */
export function randomBatch(n: number, key: number, shape: [number, number, number] = [4, 4, 1]): Batch {
  const rng = streamFor(key, 'batch');
  const x = new Float32Array(n * shape[0] * shape[1] * shape[2]).map(() => rng.normal());
  const y = Int32Array.from({ length: n }, () => rng.int(3));
  return { x, y, shape };
}
