// What persists between steps, apart from the stepper that advances it and the methods that
// read it (both import it; neither imports the other for it).
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { filterOffsets } from './adaptive-noise.js';
import type { FlatVars } from './params.js';

/** What persists between steps: clean weights, momentum, and the model they are mirrored into. */
export interface TrainState {
  model: LayersModel;
  trainable: FlatVars;
  buffers: FlatVars;
  weights: Float32Array;
  momentum: Float32Array;
  /** Optimizer steps done; momentum starts as the first gradient (PyTorch) when 0. */
  step: number;
  /** ARWP's F, one value per filter (adaptive-noise.ts); stays zero for the other methods. */
  fisher: Float32Array;
}

/** A zero F for the model's trainable weights. */
export function emptyFisher(trainable: FlatVars): Float32Array {
  return new Float32Array(filterOffsets(trainable.slots.map((s) => s.shape)).total);
}
