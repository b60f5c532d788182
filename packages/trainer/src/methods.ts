// One optimizer step of each method. Every rank ends the step with the same clean weights: they
// apply the same SGD update to the same averaged gradient, so no weights are broadcast.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { lossGradient, type Batch, type PassResult } from './gradients.js';
import type { FlatVars } from './params.js';
import { filterwiseNoise } from './perturbation.js';
import { NoiseSource } from './noise-source.js';
import { samPerturbation } from './sam.js';
import { sgdUpdate } from './sgd.js';
import { isPerturbed, lossScale, type RoleSpec } from './roles.js';
import type { Config } from './config.js';

/** The part of a communicator a step needs. */
export interface StepComm {
  readonly rank: number;
  readonly worldSize: number;
  allreduce(data: Float32Array, op?: 'sum' | 'mean'): Promise<void>;
  broadcast(data: Float32Array, root: number): Promise<void>;
}

/** What persists between steps: clean weights, momentum, and the model they are mirrored into. */
export interface TrainState {
  model: LayersModel;
  trainable: FlatVars;
  buffers: FlatVars;
  weights: Float32Array;
  momentum: Float32Array;
  /** Optimizer steps done; momentum starts as the first gradient (PyTorch) when 0. */
  step: number;
}

export interface StepResult {
  /** The clean pass of this rank (null on a perturbed rank). */
  clean: PassResult | null;
  computeMs: number;
  commMs: number;
}

export interface StepPlan {
  method: Config['method'];
  lr: number;
  momentum: number;
  weightDecay: number;
  classes: number;
}

/** How many batches one rank consumes per step, and how many logical replicas the data is cut into. */
export function dataReplicas(method: Config['method']['name'], worldSize: number): { replicas: number; batchesPerRank: number } {
  return method === 'rwp' && worldSize === 1 ? { replicas: 2, batchesPerRank: 2 } : { replicas: worldSize, batchesPerRank: 1 };
}

/** Weights plus noise, written into the model; the clean copy stays in state.weights. */
function perturbWeights(state: TrainState, gamma: number, z: Float32Array): void {
  const noisy = new Float32Array(state.weights.length);
  for (const s of state.trainable.slots) {
    const w = state.weights.subarray(s.offset, s.offset + s.size);
    const eps = filterwiseNoise(w, s.shape, gamma, z.subarray(s.offset, s.offset + s.size), noisy.subarray(s.offset, s.offset + s.size));
    for (let i = 0; i < s.size; i++) eps[i] += w[i];
  }
  state.trainable.write(noisy);
}

/** A pass whose BatchNorm statistics updates are thrown away (perturbed and SAM ascent passes). */
function passKeepingStats(state: TrainState, batch: Batch, scale: number, classes: number, grad: Float32Array): PassResult {
  const stats = state.buffers.read();
  const r = lossGradient(state.model, state.trainable, batch, scale, classes, grad);
  state.buffers.write(stats);
  return r;
}

export class Stepper {
  private readonly grad: Float32Array;
  private readonly grad2: Float32Array;
  private readonly roles: RoleSpec;
  /** Normals for this rank's perturbed passes (logical rank 1 in one process). */
  private readonly noise: NoiseSource | null;

  constructor(private readonly state: TrainState, private readonly comm: StepComm, method: Config['method'], seed: number) {
    this.grad = new Float32Array(state.weights.length);
    this.grad2 = new Float32Array(state.weights.length);
    this.roles = { worldSize: comm.worldSize, perturbedRanks: method.perturbed_ranks, alpha: method.alpha };
    const role = method.name !== 'rwp' ? null : comm.worldSize === 1 ? 1 : isPerturbed(comm.rank, this.roles) ? comm.rank : null;
    this.noise = role === null ? null : new NoiseSource(seed, role, state.weights.length);
  }

  async close(): Promise<void> {
    await this.noise?.close();
  }

  private async perturb(gamma: number): Promise<void> {
    const z = await this.noise!.take(this.state.step);
    perturbWeights(this.state, gamma, z);
    this.noise!.recycle(z);
  }

  /** True when this rank computes the perturbed gradient in parallel RWP. */
  perturbed(method: Config['method']['name']): boolean {
    return method === 'rwp' && this.comm.worldSize > 1 && isPerturbed(this.comm.rank, this.roles);
  }

  async step(plan: StepPlan, batches: Batch[]): Promise<StepResult> {
    const t0 = performance.now();
    let commMs = 0;
    const reduce = async (g: Float32Array) => {
      const c0 = performance.now();
      await this.comm.allreduce(g, 'mean');
      commMs += performance.now() - c0;
    };
    const { state, grad } = this;
    const { method, classes } = plan;
    let clean: PassResult | null = null;

    switch (method.name) {
      case 'sgd':
        clean = lossGradient(state.model, state.trainable, batches[0], 1, classes, grad);
        await reduce(grad);
        break;
      case 'sam': {
        clean = lossGradient(state.model, state.trainable, batches[0], 1, classes, grad);
        await reduce(grad);
        const e = samPerturbation(state.weights, grad, method.rho, method.adaptive);
        for (let i = 0; i < e.length; i++) e[i] += state.weights[i];
        state.trainable.write(e);
        passKeepingStats(state, batches[0], 1, classes, grad);
        state.trainable.write(state.weights);
        await reduce(grad);
        break;
      }
      case 'rwp':
        if (this.comm.worldSize === 1) {
          // Sequential: logical rank 0 (clean) then logical rank 1 (perturbed), as 2 ranks would.
          const two = { worldSize: 2, perturbedRanks: 1, alpha: method.alpha };
          clean = lossGradient(state.model, state.trainable, batches[0], lossScale(0, two), classes, grad);
          await this.perturb(method.gamma);
          passKeepingStats(state, batches[1], lossScale(1, two), classes, this.grad2);
          state.trainable.write(state.weights);
          for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] + this.grad2[i]) / 2;
        } else {
          const scale = lossScale(this.comm.rank, this.roles);
          if (isPerturbed(this.comm.rank, this.roles)) {
            await this.perturb(method.gamma);
            passKeepingStats(state, batches[0], scale, classes, grad);
            state.trainable.write(state.weights);
          } else {
            clean = lossGradient(state.model, state.trainable, batches[0], scale, classes, grad);
            // The loss the metrics report is the unscaled one.
          }
          await reduce(grad);
        }
        break;
    }

    sgdUpdate(state.weights, grad, state.momentum, { lr: plan.lr, momentum: plan.momentum, weightDecay: plan.weightDecay }, state.step === 0);
    state.trainable.write(state.weights);
    if (this.comm.worldSize > 1 && state.buffers.size > 0) {
      // BatchNorm statistics are those of rank 0's clean forwards on every rank (DDP's buffer broadcast).
      const stats = state.buffers.read();
      const c0 = performance.now();
      await this.comm.broadcast(stats, 0);
      commMs += performance.now() - c0;
      state.buffers.write(stats);
    }
    state.step++;
    return { clean, computeMs: performance.now() - t0 - commMs, commMs };
  }
}
