// One optimizer step of any method (methods/: its passes, reductions and update). Every rank ends the step with the same clean weights: they
// apply the same SGD update to the same averaged gradient, so no weights are broadcast.
//
// What crosses between host and device per step: the batch goes up, the gradient (with the loss
// and the count of correct predictions) comes back in one read, and the new weights go up in one
// write; a perturbed pass adds one write of the perturbed weights, except on a perturbed rank of a
// parallel run, whose model only ever computes at perturbed weights: there the next step's
// perturbed weights are the only write (syncModel puts the clean ones in before evaluating). The
// clean weights and the momentum live on the host, where the allreduce needs the gradient anyway.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { lossGradient, type Batch, type PassResult } from './gradients.js';
import type { FlatVars } from './params.js';
import { filterOffsets } from './adaptive-noise.js';
import { methodNamed } from './methods/index.js';
import { kernelsFor, type KernelChoice } from './methods/kernels.js';
import type { MethodRun, MethodStep } from './methods/method.js';
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
  /** ARWP's F, one value per filter (adaptive-noise.ts); stays zero for the other methods. */
  fisher: Float32Array;
}

/** A zero F for the model's trainable weights. */
export function emptyFisher(trainable: FlatVars): Float32Array {
  return new Float32Array(filterOffsets(trainable.slots.map((s) => s.shape)).total);
}

export interface StepResult {
  /** The clean pass of this rank (null on a perturbed rank). */
  clean: PassResult | null;
  computeMs: number;
  commMs: number;
}

export interface StepPlan {
  lr: number;
  momentum: number;
  weightDecay: number;
  classes: number;
}

export class Stepper {
  private readonly stats: Float32Array;
  private readonly method: MethodStep;
  private classes = 0;
  private commMs = 0;
  /** Whether the model holds state.weights (not a shifted pass's weights, not an older step's). */
  private modelClean = true;

  /**
   * `scheduleSteps`: the span of the noise schedule (method.sigma_inc), RunPlan.scheduleSteps.
   * `kernels`: the method's host kernels from the addon where it is built, or all in JS (the same bits).
   */
  constructor(private readonly state: TrainState, private readonly comm: StepComm, settings: Config['method'], seed: number, scheduleSteps: number, kernels: KernelChoice = 'native') {
    const method = methodNamed(settings.name);
    const n = state.weights.length;
    const reduced = new Float32Array(n + method.reducedExtra(state));
    this.stats = new Float32Array(state.buffers.size);
    const run: MethodRun = {
      state,
      settings,
      rank: comm.rank,
      worldSize: comm.worldSize,
      roles: { worldSize: comm.worldSize, perturbedRanks: settings.perturbed_ranks, alpha: settings.alpha },
      seed,
      scheduleSteps,
      kernels: kernelsFor(method.kernels, kernels),
      kernelChoice: kernels,
      reduced,
      grad: reduced.subarray(0, n),
      extra: reduced.subarray(n),
      pass: (batch, scale, out) => lossGradient(state.model, state.trainable, batch, scale, this.classes, out),
      shiftedPass: (batch, scale, out) => this.passKeepingStats(batch, scale, out),
      holdShifted: (weights) => {
        state.trainable.write(weights);
        this.modelClean = false;
      },
      reduce: async (data) => {
        const c0 = performance.now();
        await comm.allreduce(data, 'mean');
        this.commMs += performance.now() - c0;
      },
    };
    this.method = method.start(run);
  }

  /** Writes the clean weights into the model where it holds others: before evaluating or exporting it. */
  syncModel(): void {
    if (this.modelClean) return;
    this.state.trainable.write(this.state.weights);
    this.modelClean = true;
  }

  close(): void {
    this.method.close();
  }

  /** A pass whose BatchNorm statistics updates are undone (sequential RWP's perturbed pass, SAM's ascent). */
  private async passKeepingStats(batch: Batch, scale: number, grad: Float32Array): Promise<PassResult> {
    const saved = this.state.buffers.snapshot();
    const r = await lossGradient(this.state.model, this.state.trainable, batch, scale, this.classes, grad);
    this.state.buffers.restore(saved);
    return r;
  }

  async step(plan: StepPlan, batches: Batch[]): Promise<StepResult> {
    const t0 = performance.now();
    this.commMs = 0;
    this.classes = plan.classes;
    const { state } = this;
    // Shifted passes leave the model at shifted weights: the update's write below replaces them,
    // and the optimizer works from the clean host copy, so no restore is written.
    const clean = await this.method.passes(batches);
    this.method.update({ lr: plan.lr, momentum: plan.momentum, weightDecay: plan.weightDecay });
    this.modelClean = false;
    if (!this.method.deferCleanWrite) this.syncModel();
    if (this.comm.worldSize > 1 && state.buffers.size > 0) {
      // BatchNorm statistics are those of rank 0's clean forwards on every rank (DDP's buffer broadcast).
      if (this.comm.rank === 0) this.stats.set(await state.buffers.read());
      const c0 = performance.now();
      await this.comm.broadcast(this.stats, 0);
      this.commMs += performance.now() - c0;
      state.buffers.write(this.stats);
    }
    state.step++;
    return { clean, computeMs: performance.now() - t0 - this.commMs, commMs: this.commMs };
  }
}
