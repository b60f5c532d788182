// The step RWP and ARWP share (rwp-method.md): a clean pass and a pass at the clean weights
// plus filter-wise Gaussian noise, their gradients mixed by method.alpha. With world size >= 2
// the perturbed ranks (roles.ts) take the perturbed passes in parallel; in one process the two
// run in sequence, on two batches, as logical ranks 0 and 1 of two would.
import { filterRanges, sigmaAt } from '../adaptive-noise.js';
import { NoiseSource } from '../noise-source.js';
import { isPerturbed, lossScale } from '../roles.js';
import { sgdStep, type MethodRun, type MethodStep } from './method.js';

/** What a variant adds to the step: ARWP's adaptive noise (arwp.ts). */
export interface NoiseAdaptation {
  /** The factor of each filter's noise std, every tensor's filters in one array (filterOffsets' order). */
  factors(): Float64Array;
  /** Takes in the gradient g of scale * loss of a perturbed pass: its contribution to run.extra. */
  perturbedGradient(g: Float32Array, scale: number): void;
  /** After the allreduce of run.reduced (parallel runs only). */
  reduced(): void;
  /** Its part of the update (before the SGD update of the weights). */
  update(): void;
}

export function startRandomPerturbation(run: MethodRun, adaptation: NoiseAdaptation | null): MethodStep {
  const { state, rank, worldSize, roles } = run;
  const n = state.weights.length;
  const ranges = filterRanges(state.trainable.slots.map((s) => s.shape));
  const grad2 = new Float32Array(n);
  const shifted = new Float32Array(n);
  // The rank whose noise this process draws: logical rank 1 in one process, none on a clean rank.
  const role = worldSize === 1 ? 1 : isPerturbed(rank, roles) ? rank : null;
  const noise = role === null ? null : new NoiseSource(run.seed, role, n, run.kernelChoice);

  /** Clean weights plus filter-wise noise, written into the model; state.weights stays clean. */
  async function perturb(): Promise<void> {
    const { gamma, sigma_inc } = run.settings;
    const sigma = sigmaAt(gamma, sigma_inc, state.step, run.scheduleSteps);
    const factors = adaptation?.factors();
    const z = await noise!.take(state.step);
    state.trainable.slots.forEach((s, k) => {
      const part = (a: Float32Array) => a.subarray(s.offset, s.offset + s.size);
      run.kernels.perturbFilterwise(part(state.weights), s.shape, sigma, part(z), part(shifted), factors?.subarray(...ranges[k]));
    });
    noise!.recycle(z);
    run.holdShifted(shifted);
  }

  return {
    // A perturbed rank of a parallel run computes only at perturbed weights.
    deferCleanWrite: role !== null && worldSize > 1,
    async passes(batches) {
      const { grad } = run;
      if (worldSize === 1) {
        const two = { worldSize: 2, perturbedRanks: 1, alpha: run.settings.alpha };
        const clean = await run.pass(batches[0], lossScale(0, two), grad);
        await perturb();
        await run.shiftedPass(batches[1], lossScale(1, two), grad2);
        adaptation?.perturbedGradient(grad2, lossScale(1, two));
        for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] + grad2[i]) / 2;
        return clean;
      }
      const scale = lossScale(rank, roles);
      let clean = null;
      if (role !== null) {
        // Rank 0 is always clean, and its statistics replace these after the step.
        await perturb();
        await run.pass(batches[0], scale, grad);
        adaptation?.perturbedGradient(grad, scale);
      } else {
        // The loss the metrics report is the unscaled one.
        clean = await run.pass(batches[0], scale, grad);
        run.extra.fill(0);
      }
      await run.reduce(run.reduced);
      adaptation?.reduced();
      return clean;
    },
    update(hyper) {
      adaptation?.update();
      sgdStep(run, hyper);
    },
    close: () => noise?.close(),
  };
}
