// The trainer's SGD step on a model at world size 1, as rwp-train runs it (the batch uploaded
// from the host, one read of the flat gradient, the host's SGD update with momentum, one write of
// the weights): for benchmarks that time it beside a bare TensorFlow.js loop on the same model.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { connect } from '@rwp/collective';
import { resolveConfig } from './config.js';
import type { Batch } from './gradients.js';
import { modelVars } from './params.js';
import { emptyFisher, Stepper, type TrainState } from './stepper.js';

export interface TrainerStep {
  step: () => Promise<void>;
  close: () => Promise<void>;
}

/** Steps `model` on `batch` (the same batch every step) with the trainer's SGD step. */
export async function trainerSgdStep(model: LayersModel, batch: Batch, classes: number): Promise<TrainerStep> {
  const { trainable, buffers } = modelVars(model);
  const state: TrainState = { model, trainable, buffers, weights: await trainable.read(), momentum: new Float32Array(trainable.size), step: 0, fisher: emptyFisher(trainable) };
  const comm = await connect({ rank: 0, worldSize: 1, masterAddr: '127.0.0.1', masterPort: 1, runId: 'sgd-step' });
  const { method, optim } = resolveConfig({ method: { name: 'sgd' } });
  const stepper = new Stepper(state, comm, method, 0, 1);
  const plan = { method, lr: optim.lr, momentum: optim.momentum, weightDecay: optim.weight_decay, classes };
  return {
    step: async () => {
      await stepper.step(plan, [batch]);
    },
    close: async () => {
      stepper.close();
      await comm.close();
    },
  };
}
