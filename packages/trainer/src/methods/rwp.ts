// RWP (Li et al., CVPR 2023): a clean and a perturbed pass (random-perturbation.ts), the noise's
// std per filter method.gamma times the filter's norm (on method.sigma_inc's schedule).
import type { Method } from './method.js';
import { startRandomPerturbation } from './random-perturbation.js';

export const rwp: Method = {
  doc: ' (clean and perturbed passes; in parallel across ranks for world size >= 2, in sequence in one process; m-RWP of the follow-up is `rwp` with its mixing weight lambda as `method.alpha`)',
  randomPerturbation: true,
  kernels: ['sgdUpdate', 'perturbFilterwise', 'fillNormal'],
  reducedExtra: () => 0,
  start: (run) => startRandomPerturbation(run, null),
};
