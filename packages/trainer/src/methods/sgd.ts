// SGD: one clean pass, its gradient averaged over ranks, the SGD update.
import { sgdStep, type Method } from './method.js';

export const sgd: Method = {
  doc: '',
  randomPerturbation: false,
  kernels: ['sgdUpdate'],
  reducedExtra: () => 0,
  start: (run) => ({
    deferCleanWrite: false,
    async passes([batch]) {
      const clean = await run.pass(batch, 1, run.grad);
      await run.reduce(run.grad);
      return clean;
    },
    update: (hyper) => sgdStep(run, hyper),
    close() {},
  }),
};
