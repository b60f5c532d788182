// SAM (Foret et al. 2021; ASAM with method.adaptive): the clean gradient, averaged, gives the
// ascent point w + e; the gradient there, averaged, drives the SGD update of the clean weights.
// Both passes read the same batch; the ascent pass leaves the BatchNorm statistics alone.
import { sgdStep, type Method } from './method.js';

export const sam: Method = {
  doc: ' (two passes in sequence)',
  randomPerturbation: false,
  kernels: ['sgdUpdate', 'samAscent'],
  reducedExtra: () => 0,
  start(run) {
    const ascent = new Float32Array(run.state.weights.length);
    return {
      async passes([batch]) {
        const { rho, adaptive } = run.settings;
        const clean = await run.pass(batch, 1, run.grad);
        await run.reduce(run.grad);
        run.kernels.samAscent(run.state.weights, run.grad, rho, adaptive, ascent);
        run.holdShifted(ascent);
        await run.shiftedPass(batch, 1, run.grad);
        await run.reduce(run.grad);
        return clean;
      },
      deferCleanWrite: false,
      update: (hyper) => sgdStep(run, hyper),
      close() {},
    };
  },
};
