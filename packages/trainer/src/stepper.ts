// One optimizer step of each method. Every rank ends the step with the same clean weights: they
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
import { nativePerturbation, nativeSamAscent, nativeSgdUpdate } from '@rwp/native';
import { perturbedWeights, type PerturbedWeights } from './perturbation.js';
import { filterOffsets, filterSquares, noiseFactors, sigmaAt, updateFisher } from './adaptive-noise.js';
import { NoiseSource } from './noise-source.js';
import { samAscentWeights } from './sam.js';
import { sgdUpdate } from './sgd.js';
import { isPerturbed, lossScale, perturbedCount, type RoleSpec } from './roles.js';
import { isRandomPerturbation } from './method-names.js';
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
  method: Config['method'];
  lr: number;
  momentum: number;
  weightDecay: number;
  classes: number;
}

export class Stepper {
  /** What the allreduce carries: the gradient, then (ARWP) the perturbed pass's per-filter squares. */
  private readonly reduced: Float32Array;
  private readonly grad: Float32Array;
  private readonly squares: Float32Array;
  /** Where each weight tensor's filters lie in `squares` and state.fisher: [start, end). */
  private readonly filterRanges: Array<[number, number]>;
  private readonly factors: Float64Array;
  private readonly grad2: Float32Array;
  /** The weights of a perturbed or ascent pass, reused every step. */
  private readonly shifted: Float32Array;
  private readonly stats: Float32Array;
  private readonly roles: RoleSpec;
  /** Normals for this rank's perturbed passes (logical rank 1 in one process). */
  private readonly noise: NoiseSource | null;
  /** perturbedWeights, in the native addon where it is built (~12x faster in a 2-rank run: 8.5 -> 0.7 ms for the cnn; same bits). */
  private readonly perturbedWeights: PerturbedWeights;
  /** sgdUpdate, in the addon where it is built (~4x faster: 2.4 -> 0.6 ms for the cnn; same bits). */
  private readonly sgdUpdate: typeof sgdUpdate;
  /** samAscentWeights, in the addon where it is built (2.5-4 -> 0.65 ms for the cnn; same bits). */
  private readonly samAscent: (w: Float32Array, g: Float32Array, rho: number, adaptive: boolean, out: Float32Array) => void;
  /** A perturbed rank of a parallel run: the update's write is left to the next perturbation. */
  private readonly deferCleanWrite: boolean;
  /** Whether the model holds state.weights (not a perturbation, not an older step). */
  private modelClean = true;

  /** `scheduleSteps`: the span of the noise schedule (method.sigma_inc), RunPlan.scheduleSteps. */
  constructor(private readonly state: TrainState, private readonly comm: StepComm, method: Config['method'], seed: number, private readonly scheduleSteps: number) {
    const n = state.weights.length;
    const filters = method.name === 'arwp' ? state.fisher.length : 0;
    this.reduced = new Float32Array(n + filters);
    this.grad = this.reduced.subarray(0, n);
    this.squares = this.reduced.subarray(n);
    const { offsets, total } = filterOffsets(state.trainable.slots.map((s) => s.shape));
    this.filterRanges = offsets.map((start, k) => [start, offsets[k + 1] ?? total]);
    this.factors = new Float64Array(filters);
    this.grad2 = new Float32Array(state.weights.length);
    this.shifted = new Float32Array(state.weights.length);
    this.stats = new Float32Array(state.buffers.size);
    this.roles = { worldSize: comm.worldSize, perturbedRanks: method.perturbed_ranks, alpha: method.alpha };
    const role = !isRandomPerturbation(method.name) ? null : comm.worldSize === 1 ? 1 : isPerturbed(comm.rank, this.roles) ? comm.rank : null;
    this.noise = role === null ? null : new NoiseSource(seed, role, state.weights.length);
    this.deferCleanWrite = role !== null && comm.worldSize > 1;
    this.perturbedWeights = role === null ? perturbedWeights : nativePerturbedWeights() ?? perturbedWeights;
    this.sgdUpdate = nativeSgd() ?? sgdUpdate;
    this.samAscent = nativeSamAscent() ?? samAscentWeights;
  }

  /** Writes the clean weights into the model where it holds others: before evaluating or exporting it. */
  syncModel(): void {
    if (this.modelClean) return;
    this.state.trainable.write(this.state.weights);
    this.modelClean = true;
  }

  close(): void {
    this.noise?.close();
  }

  /**
   * Clean weights plus filter-wise noise, written into the model; state.weights stays clean.
   * ARWP divides each filter's std by sqrt(1 + eta F_j), F as the steps before left it.
   */
  private async perturb(method: Config['method']): Promise<void> {
    const { state, shifted } = this;
    const sigma = sigmaAt(method.gamma, method.sigma_inc, state.step, this.scheduleSteps);
    const adaptive = method.name === 'arwp' ? noiseFactors(state.fisher, method.eta, this.factors) : undefined;
    const z = await this.noise!.take(state.step);
    state.trainable.slots.forEach((s, k) => {
      const part = (a: Float32Array) => a.subarray(s.offset, s.offset + s.size);
      this.perturbedWeights(part(state.weights), s.shape, sigma, part(z), part(shifted), adaptive?.subarray(...this.filterRanges[k]));
    });
    this.noise!.recycle(z);
    state.trainable.write(shifted);
    this.modelClean = false;
  }

  /** A pass whose BatchNorm statistics updates are undone (sequential RWP's perturbed pass, SAM's ascent). */
  private async passKeepingStats(batch: Batch, scale: number, classes: number, grad: Float32Array): Promise<PassResult> {
    const saved = this.state.buffers.snapshot();
    const r = await lossGradient(this.state.model, this.state.trainable, batch, scale, classes, grad);
    this.state.buffers.restore(saved);
    return r;
  }

  /** ARWP: per-filter sums of squares of the perturbed pass's gradient (of its unscaled loss) into `squares`. */
  private perturbedSquares(g: Float32Array, scale: number): void {
    this.state.trainable.slots.forEach((s, k) => {
      filterSquares(g.subarray(s.offset, s.offset + s.size), s.shape, scale, this.squares.subarray(...this.filterRanges[k]));
    });
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

    // Perturbed and ascent passes leave the model at shifted weights: the update's write below
    // replaces them, and the optimizer works from the clean host copy, so no restore is written.
    switch (method.name) {
      case 'sgd':
        clean = await lossGradient(state.model, state.trainable, batches[0], 1, classes, grad);
        await reduce(grad);
        break;
      case 'sam': {
        clean = await lossGradient(state.model, state.trainable, batches[0], 1, classes, grad);
        await reduce(grad);
        this.samAscent(state.weights, grad, method.rho, method.adaptive, this.shifted);
        state.trainable.write(this.shifted);
        this.modelClean = false;
        await this.passKeepingStats(batches[0], 1, classes, grad);
        await reduce(grad);
        break;
      }
      case 'rwp':
      case 'arwp': {
        const adaptive = method.name === 'arwp';
        if (this.comm.worldSize === 1) {
          // Sequential: logical rank 0 (clean) then logical rank 1 (perturbed), as 2 ranks would.
          const two = { worldSize: 2, perturbedRanks: 1, alpha: method.alpha };
          clean = await lossGradient(state.model, state.trainable, batches[0], lossScale(0, two), classes, grad);
          await this.perturb(method);
          await this.passKeepingStats(batches[1], lossScale(1, two), classes, this.grad2);
          if (adaptive) this.perturbedSquares(this.grad2, lossScale(1, two));
          for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] + this.grad2[i]) / 2;
        } else {
          const scale = lossScale(this.comm.rank, this.roles);
          if (isPerturbed(this.comm.rank, this.roles)) {
            // Rank 0 is always clean, and its statistics replace these after the step.
            await this.perturb(method);
            await lossGradient(state.model, state.trainable, batches[0], scale, classes, grad);
            if (adaptive) this.perturbedSquares(grad, scale);
          } else {
            // The loss the metrics report is the unscaled one.
            clean = await lossGradient(state.model, state.trainable, batches[0], scale, classes, grad);
            this.squares.fill(0);
          }
          // ARWP's squares ride in the same allreduce: their mean over all ranks, times
          // world / perturbed, is their mean over the perturbed ranks, the same on every rank.
          await reduce(this.reduced);
          if (adaptive) {
            const k = this.comm.worldSize / perturbedCount(this.roles);
            for (let j = 0; j < this.squares.length; j++) this.squares[j] *= k;
          }
        }
        if (adaptive) updateFisher(state.fisher, this.squares, method.beta);
        break;
      }
    }

    this.sgdUpdate(state.weights, grad, state.momentum, { lr: plan.lr, momentum: plan.momentum, weightDecay: plan.weightDecay }, state.step === 0);
    this.modelClean = false;
    if (!this.deferCleanWrite) this.syncModel();
    if (this.comm.worldSize > 1 && state.buffers.size > 0) {
      // BatchNorm statistics are those of rank 0's clean forwards on every rank (DDP's buffer broadcast).
      if (this.comm.rank === 0) this.stats.set(await state.buffers.read());
      const c0 = performance.now();
      await this.comm.broadcast(this.stats, 0);
      commMs += performance.now() - c0;
      state.buffers.write(this.stats);
    }
    state.step++;
    return { clean, computeMs: performance.now() - t0 - commMs, commMs };
  }
}

/** The addon's perturbFilterwise behind perturbedWeights's signature; null without the addon. */
function nativePerturbedWeights(): PerturbedWeights | null {
  const native = nativePerturbation();
  if (native === null) return null;
  return (values, shape, gamma, z, out, factors) => {
    native(values, z, out, shape.length >= 2 ? shape[shape.length - 1] : 0, gamma, factors ?? null);
    return out;
  };
}

/** The addon's sgdUpdate behind sgdUpdate's signature; null without the addon. */
function nativeSgd(): typeof sgdUpdate | null {
  const native = nativeSgdUpdate();
  if (native === null) return null;
  return (w, g, buf, h, first) => native(w, g, buf, h.lr, h.momentum, h.weightDecay, first);
}
