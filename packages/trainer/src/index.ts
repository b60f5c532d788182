export { loadConfig, type Config } from './config.js';
export type { MethodName } from './methods/index.js';
export type { EpochMetrics, StepTime } from './metrics.js';
export { stepModel, type ModelSteps } from './step-model.js';
export type { Batch } from './gradients.js';
