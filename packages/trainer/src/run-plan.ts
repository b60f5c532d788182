// How many optimizer steps a run takes and how they fall into data passes. The original's
// accounting for parallel RWP: as many optimizer steps as SGD on the clean ranks alone would take
// for the requested epochs (with 2 ranks it doubles the epochs), the LR schedule stretched over
// the passes actually run.
import type { Config } from './config.js';
import { isRandomPerturbation } from './method-names.js';
import { perturbedCount } from './roles.js';

export interface RunPlan {
  /** Logical replicas the data is sharded into each pass (2 for sequential RWP in one process). */
  replicas: number;
  batchesPerRank: number;
  stepsPerPass: number;
  /** Steps this run takes: the epochs' worth, or train.max_steps if fewer. */
  totalSteps: number;
  /** Passes the epochs take; the LR schedule spans them whatever train.max_steps says. */
  passes: number;
  /** Optimizer steps the epochs take: the span of the noise schedule (method.sigma_inc), whatever train.max_steps says. */
  scheduleSteps: number;
}

export function planRun(config: Config, worldSize: number, trainCount: number): RunPlan {
  const { name } = config.method;
  const B = config.data.batch_size;
  const twoPass = isRandomPerturbation(name);
  const sequential = twoPass && worldSize === 1;
  const replicas = sequential ? 2 : worldSize;
  const batchesPerRank = sequential ? 2 : 1;
  const stepsPerPass = Math.floor(trainCount / (replicas * B));
  if (stepsPerPass < 1) {
    throw new RangeError(
      `data.batch_size ${B} x ${replicas} replicas needs at least ${replicas * B} training images, the dataset has ${trainCount}`,
    );
  }
  let cleanReplicas = replicas;
  if (twoPass) {
    cleanReplicas = sequential ? 1 : worldSize - perturbedCount({ worldSize, perturbedRanks: config.method.perturbed_ranks, alpha: config.method.alpha });
  }
  const epochSteps = config.train.epochs * Math.floor(trainCount / (cleanReplicas * B));
  const totalSteps = config.train.max_steps === null ? epochSteps : Math.min(epochSteps, config.train.max_steps);
  return { replicas, batchesPerRank, stepsPerPass, totalSteps, passes: Math.ceil(epochSteps / stepsPerPass), scheduleSteps: epochSteps };
}
