// ARWP (Li et al., TMLR 2024; m-ARWP, the two-pass form): RWP whose noise std of filter j is
// divided by sqrt(1 + eta F_j), F a decayed per-filter sum of the perturbed passes' squared
// gradients (adaptive-noise.ts). F is the same on every rank: the perturbed ranks' squares ride
// in the gradient's allreduce (run.extra).
import { filterRanges, filterSquares, noiseFactors, updateFisher } from '../adaptive-noise.js';
import { perturbedCount } from '../roles.js';
import type { Method } from './method.js';
import { startRandomPerturbation } from './random-perturbation.js';

export const arwp: Method = {
  doc: ' (`rwp` with adaptive noise: m-ARWP of the follow-up, the two-pass form of its train_marwp.py; its one-pass ARWP is not built)',
  randomPerturbation: true,
  kernels: ['sgdUpdate', 'perturbFilterwise', 'fillNormal'],
  reducedExtra: (state) => state.fisher.length,
  start(run) {
    const { state, extra: squares } = run;
    const ranges = filterRanges(state.trainable.slots.map((s) => s.shape));
    const factors = new Float64Array(state.fisher.length);
    return startRandomPerturbation(run, {
      // F as the steps before left it.
      factors: () => noiseFactors(state.fisher, run.settings.eta, factors),
      // Squares of the gradient of the perturbed pass's own (unscaled) loss.
      perturbedGradient(g, scale) {
        state.trainable.slots.forEach((s, k) => {
          filterSquares(g.subarray(s.offset, s.offset + s.size), s.shape, scale, squares.subarray(...ranges[k]));
        });
      },
      // Their mean over all ranks (clean ones sent zeros), times world / perturbed, is their mean
      // over the perturbed ranks, the same on every rank.
      reduced() {
        const k = run.worldSize / perturbedCount(run.roles);
        for (let j = 0; j < squares.length; j++) squares[j] *= k;
      },
      update: () => updateFisher(state.fisher, squares, run.settings.beta),
    });
  },
};
