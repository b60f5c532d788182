// The trainer's step of any method on a model of its own at world size 1, as rwp-train runs it
// (the batches uploaded from the host, one read of the flat gradient, the method's host kernels,
// one write of the weights): for benchmarks that time it beside a bare TensorFlow.js loop.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { connect } from '@rwp/collective';
import { resolveConfig } from './config.js';
import type { Batch } from './gradients.js';
import { modelVars } from './params.js';
import { emptyFisher, Stepper, type TrainState } from './stepper.js';

export interface ModelSteps {
  /** One optimizer step on `batches`: one batch, two for RWP and ARWP (in sequence). */
  step: (batches: Batch[]) => Promise<void>;
  close: () => Promise<void>;
}

/** Steps `model` with `method` (method.* config keys; the other keys at their defaults). */
export async function stepModel(model: LayersModel, method: Record<string, unknown>, classes: number): Promise<ModelSteps> {
  const { trainable, buffers } = modelVars(model);
  const state: TrainState = { model, trainable, buffers, weights: await trainable.read(), momentum: new Float32Array(trainable.size), step: 0, fisher: emptyFisher(trainable) };
  const comm = await connect({ rank: 0, worldSize: 1, masterAddr: '127.0.0.1', masterPort: 1, runId: 'step-model' });
  const config = resolveConfig({ method });
  const stepper = new Stepper(state, comm, config.method, config.seed, 1);
  const plan = { lr: config.optim.lr, momentum: config.optim.momentum, weightDecay: config.optim.weight_decay, classes };
  return {
    step: async (batches) => {
      await stepper.step(plan, batches);
    },
    close: async () => {
      stepper.close();
      await comm.close();
    },
  };
}
