// What a training method is to the rest of the trainer: the passes of its step, what its
// allreduce carries, its update, and the host kernels that do its maths. The stepper runs any
// method through this interface; the config schema, the run plan and the report read its facts
// from the registry (index.ts). README.md says how to add one.
import type { Config } from '../config.js';
import type { Batch, PassResult } from '../gradients.js';
import type { RoleSpec } from '../roles.js';
import type { SgdHyper } from '../sgd.js';
import type { TrainState } from '../stepper.js';
import type { KernelChoice, KernelName, KernelSet } from './kernels.js';

/** A training method. Its name is its key in the registry (index.ts). */
export interface Method {
  /** What follows its name in the doc of `method.name` (configs/README.md). */
  readonly doc: string;
  /**
   * Clean and perturbed passes on batches of their own: the perturbed ones on the ranks
   * `method.perturbed_ranks` picks, or a second batch in sequence in one process. The run plan
   * and the report count its data passes from this.
   */
  readonly randomPerturbation: boolean;
  /** The host kernels its maths uses: the addon's where the run asks for it (kernels.ts). */
  readonly kernels: readonly KernelName[];
  /** Floats its allreduce carries after the gradient (0: the gradient alone). */
  reducedExtra(state: TrainState): number;
  /** Its step on one rank, with buffers of its own, for the life of a Stepper. */
  start(run: MethodRun): MethodStep;
}

/** What the stepper gives a method's step. */
export interface MethodRun {
  readonly state: TrainState;
  readonly settings: Config['method'];
  readonly rank: number;
  readonly worldSize: number;
  readonly roles: RoleSpec;
  /** The run's seed: the key of the perturbations' noise. */
  readonly seed: number;
  /** The span of the noise schedule in optimizer steps (RunPlan.scheduleSteps). */
  readonly scheduleSteps: number;
  readonly kernels: KernelSet;
  /** What the run asked for: NoiseSource's worker thread picks its fillNormal from it. */
  readonly kernelChoice: KernelChoice;
  /** What the allreduce carries: `grad`, then `extra` (reducedExtra floats). */
  readonly reduced: Float32Array;
  readonly grad: Float32Array;
  readonly extra: Float32Array;
  /** A forward and backward pass at the weights the model holds, of scale * loss into `out`; BatchNorm statistics updated. */
  pass(batch: Batch, scale: number, out: Float32Array): Promise<PassResult>;
  /** pass() with the BatchNorm statistics left as they were: a pass at shifted weights. */
  shiftedPass(batch: Batch, scale: number, out: Float32Array): Promise<PassResult>;
  /** Writes weights other than the clean ones into the model (the update's write replaces them). */
  holdShifted(weights: Float32Array): void;
  /** The mean over ranks, in place; its time counts as communication. */
  reduce(data: Float32Array): Promise<void>;
}

/** One method's step on one rank. */
export interface MethodStep {
  /** The model computes only at shifted weights here: the update's write is left to the next step's shift (syncModel writes it before evaluating). */
  readonly deferCleanWrite: boolean;
  /** The passes and their allreduce: leaves the mean gradient in run.grad; returns this rank's clean pass (null on a perturbed rank). */
  passes(batches: readonly Batch[]): Promise<PassResult | null>;
  /** Applies what was reduced to state.weights and state.momentum (and the method's own state). */
  update(hyper: SgdHyper): void;
  close(): void;
}

/** The update every method shares: PyTorch SGD with momentum on the reduced gradient. */
export function sgdStep(run: MethodRun, hyper: SgdHyper): void {
  const { state } = run;
  run.kernels.sgdUpdate(state.weights, run.grad, state.momentum, hyper, state.step === 0);
}
