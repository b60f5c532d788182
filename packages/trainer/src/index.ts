export { loadConfig, resolveConfig, configHash, ConfigError, type Config } from './config.js';
export { FIELDS } from './config-schema.js';
export { METHOD_NAMES, type MethodName } from './method-names.js';
export { train, type Summary, type TrainOptions } from './train.js';
export { createLogger } from './log.js';
export type { EpochMetrics, StepTime } from './metrics.js';
export { trainerSgdStep, type TrainerStep } from './sgd-step.js';
export type { Batch } from './gradients.js';
