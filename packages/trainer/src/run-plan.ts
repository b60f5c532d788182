// How many optimizer steps a run takes and how they fall into data passes. The original's
// accounting for parallel RWP: as many optimizer steps as SGD on the clean ranks alone would take
// for the requested epochs (with 2 ranks it doubles the epochs), the LR schedule stretched over
// the passes actually run.
import type { Config } from './config.js';
import { replicasOf } from './methods/index.js';

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
  const B = config.data.batch_size;
  const { replicas, clean } = replicasOf(config.method.name, worldSize, config.method.perturbed_ranks);
  // In one process each logical replica is a batch of its own.
  const batchesPerRank = replicas / worldSize;
  const stepsPerPass = Math.floor(trainCount / (replicas * B));
  if (stepsPerPass < 1) {
    throw new RangeError(
      `data.batch_size ${B} x ${replicas} replicas needs at least ${replicas * B} training images, the dataset has ${trainCount}`,
    );
  }
  const epochSteps = config.train.epochs * Math.floor(trainCount / (clean * B));
  const totalSteps = config.train.max_steps === null ? epochSteps : Math.min(epochSteps, config.train.max_steps);
  return { replicas, batchesPerRank, stepsPerPass, totalSteps, passes: Math.ceil(epochSteps / stepsPerPass), scheduleSteps: epochSteps };
}
