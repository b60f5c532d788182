export { loadConfig, resolveConfig, configHash, ConfigError, type Config } from './config.js';
export { FIELDS } from './config-schema.js';
export { METHOD_NAMES, type MethodName } from './methods/index.js';
export { train, type Summary, type TrainOptions } from './train.js';
export { createLogger } from './log.js';
export type { EpochMetrics, StepTime } from './metrics.js';
export { stepModel, type ModelSteps } from './step-model.js';
export type { Batch } from './gradients.js';
